import type { AdjustmentPolicySettings } from '../src/domain/billing/adjustment-policy.ts';
import type { VerificationSettings } from '../src/domain/identity/verification.service.ts';
import type { AdjustmentOutcome, AdjustmentView, RequestBillAdjustment } from '../src/domain/billing/adjustments.service.ts';
import type { BillChange, ChargeGroup } from '../src/domain/billing/bill-explanation.ts';
import type { BalanceView, BillSummary, BillView, ChargeView } from '../src/domain/billing/bills.service.ts';
import type { OfferingLookup, OfferingView } from '../src/domain/catalog/catalog.service.ts';
import type { Eligibility, HeldProduct, OrderIntent } from '../src/domain/catalog/eligibility.ts';
import type { OfferSuggestion, RecommendOptions } from '../src/domain/catalog/recommendations.ts';
import type { CustomerSummary, SubscribedService } from '../src/domain/customers/customers.service.ts';
import type { CheckCodeResult, IssueCodeResult } from '../src/domain/identity/verification.service.ts';
import type { InteractionLink } from '../src/domain/interactions/turns.ts';
import type { OrderItemView, OrderView, PlaceOrderOutcome, PlaceProductOrderRequest } from '../src/domain/orders/product-orders.service.ts';
import type { CustomerProfile, ProfileChange, ProfileField, ProfileUpdateRequest, ProfileUpdateResult } from '../src/domain/profile/profile.service.ts';
import type { RetentionOffer } from '../src/domain/retention/retention-policy.ts';
import type {
  AcceptOfferOutcome,
  AcceptRetentionOfferRequest,
  OrderReference,
  RecordChurnSignalRequest,
  RequestCancellationRequest,
} from '../src/domain/retention/retention.service.ts';
import type { LinkToOutageRequest, OutageView } from '../src/domain/tickets/outages.ts';
import type { SelfHelpAnswer } from '../src/domain/tickets/self-help.ts';
import type { OpenTroubleTicketRequest, TicketView } from '../src/domain/tickets/trouble-tickets.service.ts';
import type { Channel, ServiceType } from '../src/generated/prisma/client.ts';
import type { HandoffResult } from '../src/domain/agents/agent-desk.ts';
import type { AgentQueue, ChurnRisk, HandoffReason } from '../src/domain/agents/agent-values.ts';

/** What a dialog knows when it hands the customer to a person. */
export interface BotHandoffRequest {
  conversationId: string;
  customerId: string | null;
  /** The inbound message that led to it: the handoff's idempotency and the contact log's relationship. */
  inboundId: string;
  correlationId: string;
  reason: HandoffReason;
  /** The request in progress (picks the skill queue), or null. */
  intent: string | null;
  /** What the bot collected so far, as label → value, for the agent's packet. */
  collected: Record<string, string>;
  suggestedNextStep?: string;
}

/** A complaint as the customer made it. */
export interface ComplaintRecord {
  customerId: string | null;
  conversationId: string;
  /** The message it was made in (the contact log's entry). */
  inboundId: string;
  text: string;
  channel: Channel;
  /** The stored churn band at the time, when known. */
  churnBand: ChurnRisk['band'] | null;
  correlationId: string;
}

/** Who a one-time code goes to: the verified customer's number on file, or a number someone typed (sign-in). */
export type CodeTarget = { customerId: string } | { phone: string } | { accountNumber: string };

/**
 * The one door from dialogs into the domain: every domain call a dialog makes. src/bot/bot-services.ts
 * binds it to the database, the outbox and tracking; dialog tests implement it with a fake.
 */
export interface BotServices {
  // Catalog and orders
  /** The offerings on sale, base plans first, by service type, cheapest first. */
  listOfferings(): Promise<OfferingView[]>;
  /** The offering with this code, on sale or not. */
  findOffering(code: string): Promise<OfferingView | null>;
  /** The offerings the customer's words name (code, name, keywords, typos); several when ambiguous. */
  lookUpOfferings(text: string, serviceType?: ServiceType): Promise<OfferingLookup>;
  /** Whether the customer may order it now, and as what (new product or plan change); null for an unknown customer or offering. */
  checkOrderEligibility(customerId: string, offeringCode: string, intent: OrderIntent, now: Date): Promise<Eligibility | null>;
  /** Offers worth telling about: the general catalog for anonymous visitors (null), tailored for a customer. */
  recommendOffers(customerId: string | null, options: RecommendOptions, now: Date): Promise<OfferSuggestion[]>;
  /** The offer of the latest campaign text the customer got within the attribution window (a "yes" to it starts that order), or null. */
  findCampaignOffer(customerId: string, now: Date): Promise<{ campaignId: string; variant: string; offerCode: string } | null>;
  /** Places a TMF622 product order (eligibility checked again), idempotent on the request's key; fulfilment starts at once. */
  placeProductOrder(request: PlaceProductOrderRequest): Promise<PlaceOrderOutcome>;
  /** The customer's own order with this number (ORD-<number>); null for anyone else's. */
  findCustomerOrder(customerId: string, number: number): Promise<OrderView | null>;
  /** The customer's latest orders, those in progress first. */
  listRecentOrders(customerId: string): Promise<OrderView[]>;

  // Billing and adjustments
  /** What the customer owes across unpaid bills, and when the next bill comes. */
  getBalance(customerId: string, now: Date): Promise<BalanceView>;
  /** The customer's most recent issued bill, if any. */
  findLatestBill(customerId: string): Promise<BillView | null>;
  /** The customer's own bill with this number (INV-<number>); null for anyone else's. */
  findCustomerBill(customerId: string, number: number): Promise<BillView | null>;
  /** The customer's bill for a named period ("last month"): dated in it, else covering it. */
  findCustomerBillForPeriod(customerId: string, from: Date, to: Date): Promise<BillView | null>;
  /** The bill before this one on the same account. */
  findPreviousBill(bill: BillSummary): Promise<BillView | null>;
  /** The customer's latest bills (at most three), newest first. */
  listRecentBills(customerId: string): Promise<BillSummary[]>;
  /** Asks for a credit on a charge; the configured policy approves it (applied at once) or leaves it for a person. */
  requestBillAdjustment(request: RequestBillAdjustment): Promise<AdjustmentOutcome>;
  /** The adjustment already asked for on this charge (not rejected), if any. */
  findChargeDispute(customerId: string, chargeId: string): Promise<AdjustmentView | null>;
  /** The customer's own adjustment with this number (ADJ-<number>). */
  findCustomerAdjustment(customerId: string, number: number): Promise<AdjustmentView | null>;

  // Trouble tickets and outages (assurance)
  /** Opens a trouble ticket (or returns the one with the same idempotency key); its assurance steps start at once. */
  openTroubleTicket(request: OpenTroubleTicketRequest): Promise<{ ticket: TicketView; created: boolean }>;
  /** The customer's own ticket with this number (null if none) and their recent tickets, in one look-up. */
  lookUpCustomerTicket(customerId: string, number: number): Promise<{ ticket: TicketView | null; recent: TicketView[] }>;
  /** The customer's latest tickets (at most three), open ones first, newest first. */
  listRecentTickets(customerId: string): Promise<TicketView[]>;
  /** The active outage of this service type in the customer's area, if any. */
  findActiveOutage(customerId: string, serviceType: ServiceType): Promise<OutageView | null>;
  /** Records the customer as affected by the outage; their existing linked ticket if they have one. */
  linkCustomerToOutage(request: LinkToOutageRequest): Promise<{ ticket: TicketView; created: boolean }>;

  // Retention and cancellation
  /** The one retention offer that fits this customer and product, or null. */
  findRetentionOffer(customerId: string, productId: string, now: Date): Promise<RetentionOffer | null>;
  /** Records a request to cancel as a churn signal; the same idempotency key returns the same signal. */
  recordChurnSignal(request: RecordChurnSignalRequest): Promise<{ id: string }>;
  /** Records that the customer turned the retention offer down. */
  declineRetentionOffer(signalId: string): Promise<void>;
  /** Makes an accepted offer real: a plan change order (fulfilled at once), or a discount recorded for billing; refused when the order rules say no. */
  acceptRetentionOffer(request: AcceptRetentionOfferRequest): Promise<AcceptOfferOutcome>;
  /** The customer's open cancellation request for this product, if any. */
  findOpenCancellation(customerId: string, productId: string): Promise<OrderReference | null>;
  /** A held cancellation order for a person to act on; never changes the product itself. */
  requestServiceCancellation(request: RequestCancellationRequest): Promise<{ order: OrderReference; created: boolean }>;

  // Profile
  /** The customer's own details on file (never another customer's). */
  getProfile(customerId: string): Promise<CustomerProfile | null>;
  /** Applies one confirmed change with its audit record; idempotent on the request's key. */
  updateProfile(request: ProfileUpdateRequest): Promise<ProfileUpdateResult>;

  // Identity (one-time codes)
  /** True when this customer verified by one-time code in this conversation within the configured window. */
  isVerified(request: { conversationId: string; customerId: string; now: Date }): Promise<boolean>;
  /**
   * Texts a new code (superseding the pending one); a retried turn (same key, `otp-${inboundId}`) sends none. A typed
   * number (sign-in) gets `sent` even when it is on no account or past its sign-in budget, `signInLimited` when this
   * conversation asked for too many; `rateLimited` is only ever the holder's own budget.
   */
  sendVerificationCode(request: { conversationId: string; target: CodeTarget; purpose: string; idempotencyKey: string; correlationId: string; now: Date }): Promise<IssueCodeResult>;
  /** Checks an answer against the conversation's latest code. */
  checkVerificationCode(request: { conversationId: string; answer: string; correlationId: string; now: Date }): Promise<CheckCodeResult>;
  /** After a sign-in by code: ties the conversation to the customer; null unless the code verified them here. */
  signInConversation(request: { conversationId: string; customerId: string; correlationId: string; now: Date }): Promise<CustomerSummary | null>;

  // Customers and handoff
  /** The customer's active or suspended base services (no add-ons), one per product, for "which service?" choices. */
  listActiveServices(customerId: string): Promise<SubscribedService[]>;
  /** Records a revocation of consent to texts in the customer's own words (as STOP does): no more messages of any purpose. */
  revokeTextConsent(request: { customerId: string | null; address: string; channel: Channel; words: string; correlationId: string }): Promise<void>;
  /**
   * Hands the conversation to a person: queued by skill (from the intent) and priority, with a
   * handoff packet of what the bot knows; the bot stays silent until an agent hands it back.
   * Outside the queue's staffed hours the answer says what happens instead.
   */
  requestHandoff(request: BotHandoffRequest): Promise<HandoffResult>;
  /** The customer's stored churn risk (band and reasons), or null when never scored. */
  findChurnRisk(customerId: string): Promise<ChurnRisk | null>;
  /** Logs a complaint in the customer's words (an audit event; the message itself is in the contact log). */
  recordComplaint(request: ComplaintRecord): Promise<void>;

  // Request tracking
  /** A yes/no with no question of the bot's open: answers a resolved ticket's "does it work again?" and returns the reply, else null. */
  answerResolutionQuestion(customerId: string, answer: 'affirm' | 'deny'): Promise<string | null>;
  /** The last progress text the customer was sent about an order or ticket (from its timeline), if any. */
  latestUpdate(subject: 'productOrder' | 'troubleTicket', id: string): Promise<{ at: Date; text: string } | null>;
}

/** How the bot names things and where it sends people. */
export interface BotSettings {
  operatorName: string;
  supportPhone: string;
  supportUrl: string;
  /** IANA time zone for dates in replies. */
  timeZone: string;
  adjustments: AdjustmentPolicySettings;
  verification: VerificationSettings;
  /**
   * When the bot hands over to a person by itself (besides being asked or not understood): a
   * credit above what an agent may approve (STAFF_AGENT_APPROVAL_LIMIT). Absent: never.
   */
  handoff?: { agentApprovalLimit: string };
  /** Days after a campaign text in which a "yes" answers its offer (CAMPAIGN_ATTRIBUTION_DAYS). */
  campaignAttributionDays?: number;
}

// The domain types dialogs (and fakes of BotServices) work with: dialogs import them from here, not from src/.
export type {
  // Catalog and orders
  Eligibility,
  HeldProduct,
  OfferingLookup,
  OfferingView,
  OfferSuggestion,
  OrderIntent,
  OrderItemView,
  OrderView,
  PlaceOrderOutcome,
  PlaceProductOrderRequest,
  RecommendOptions,
  // Billing and adjustments
  AdjustmentOutcome,
  AdjustmentView,
  BalanceView,
  BillChange,
  BillSummary,
  BillView,
  ChargeGroup,
  ChargeView,
  RequestBillAdjustment,
  // Trouble tickets and outages
  LinkToOutageRequest,
  OpenTroubleTicketRequest,
  OutageView,
  SelfHelpAnswer,
  TicketView,
  // Retention and cancellation
  AcceptOfferOutcome,
  AcceptRetentionOfferRequest,
  OrderReference,
  RecordChurnSignalRequest,
  RequestCancellationRequest,
  RetentionOffer,
  // Profile
  CustomerProfile,
  ProfileChange,
  ProfileField,
  ProfileUpdateRequest,
  ProfileUpdateResult,
  // Handoff to people
  AgentQueue,
  HandoffReason,
  HandoffResult,
  // Identity, customers and conversations
  CheckCodeResult,
  CustomerSummary,
  InteractionLink,
  IssueCodeResult,
  SubscribedService,
  // Enums of the schema
  Channel,
  ServiceType,
};
