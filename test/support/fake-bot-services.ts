import type { BotHandoffRequest, BotServices, CodeTarget, ComplaintRecord, HandoffResult } from '../../dialogs/services.ts';
import type { ChurnRisk } from '../../src/domain/agents/agent-values.ts';
import { queueForIntent } from '../../src/domain/agents/routing-rules.ts';
import { decideAdjustment } from '../../src/domain/billing/adjustment-policy.ts';
import type { AdjustmentOutcome, AdjustmentView, RequestBillAdjustment } from '../../src/domain/billing/adjustments.service.ts';
import type { BalanceView, BillSummary, BillView, ChargeView } from '../../src/domain/billing/bills.service.ts';
import { isUnpaid } from '../../src/domain/billing/bills.service.ts';
import { centsToDecimal, parseCents, sumCents, toCents } from '../../src/domain/billing/money.ts';
import { searchOfferings, type OfferingLookup, type OfferingView } from '../../src/domain/catalog/catalog.service.ts';
import { decideEligibility, type CustomerHoldings, type Eligibility, type HeldProduct, type OrderIntent } from '../../src/domain/catalog/eligibility.ts';
import { recommendOffers, type OfferSuggestion, type RecommendOptions } from '../../src/domain/catalog/recommendations.ts';
import type { CustomerSummary, SubscribedService } from '../../src/domain/customers/customers.service.ts';
import { DEMO_OFFERINGS } from '../../src/domain/demo/demo-data.ts';
import type { CheckCodeResult, IssueCodeResult } from '../../src/domain/identity/verification.service.ts';
import type { OrderView, PlaceOrderOutcome, PlaceProductOrderRequest } from '../../src/domain/orders/product-orders.service.ts';
import type { CustomerProfile, PostalAddress, ProfileChange, ProfileUpdateRequest, ProfileUpdateResult } from '../../src/domain/profile/profile.service.ts';
import type { RetentionOffer } from '../../src/domain/retention/retention-policy.ts';
import type {
  AcceptOfferOutcome,
  AcceptRetentionOfferRequest,
  OrderReference,
  RecordChurnSignalRequest,
  RequestCancellationRequest,
} from '../../src/domain/retention/retention.service.ts';
import type { LinkToOutageRequest, OutageView } from '../../src/domain/tickets/outages.ts';
import type { OpenTroubleTicketRequest, TicketView } from '../../src/domain/tickets/trouble-tickets.service.ts';
import type { Channel, ServiceType } from '../../src/generated/prisma/client.ts';

// An in-memory stand-in for the services dialogs call: the data of a few customers held in maps,
// the pure domain rules (offering search, order eligibility, recommendations, the adjustment
// policy) applied to it, and every call recorded, so a transcript can assert what the bot did.

/** Every one-time code the fake "texts" is this one. */
export const FAKE_CODE = '123456';

export type ServiceName = keyof BotServices;

export interface ServiceCall {
  name: ServiceName;
  args: unknown[];
}

/** Calls that change something (or send something): a transcript lists exactly these. */
export const WRITES: readonly ServiceName[] = [
  'openTroubleTicket',
  'linkCustomerToOutage',
  'placeProductOrder',
  'requestBillAdjustment',
  'updateProfile',
  'sendVerificationCode',
  'checkVerificationCode',
  'signInConversation',
  'recordChurnSignal',
  'declineRetentionOffer',
  'acceptRetentionOffer',
  'requestServiceCancellation',
  'requestHandoff',
  'recordComplaint',
  'answerResolutionQuestion',
  'revokeTextConsent',
];

export interface FixtureProduct {
  productId: string;
  offeringCode: string;
  serviceIdentifier?: string;
}

export interface FixtureCustomer {
  id: string;
  givenName: string;
  familyName: string;
  status?: 'active' | 'suspended';
  phone: string | null;
  /** The billing account's number, for a caller who names it (sign-in on a call). */
  accountNumber?: string;
  email: string | null;
  postalAddress: PostalAddress | null;
  preferredChannel: Channel;
  paperlessBill: boolean | null;
  marketingTexts: boolean;
  serviceArea: string;
  products: FixtureProduct[];
  bills?: BillView[];
  tickets?: TicketView[];
  orders?: OrderView[];
  adjustments?: AdjustmentView[];
  /** The retention offer each product gets, by product id. */
  retentionOffers?: Record<string, RetentionOffer>;
  /** The stored churn risk (default none). */
  churnRisk?: ChurnRisk;
  /** What answerResolutionQuestion replies: a resolved ticket waiting for "does it work again?". */
  resolutionReply?: { affirm: string; deny: string };
  /** The campaign text the customer last got, within the attribution window (what findCampaignOffer finds). */
  campaignOffer?: { campaignId: string; variant: string; offerCode: string };
}

export interface Fixture {
  customers: FixtureCustomer[];
  outages?: OutageView[];
  /** The last progress text per order or ticket id. */
  updates?: Record<string, { at: Date; text: string }>;
  adjustmentPolicy?: { autoApproveLimit: string; autoApprovePerPeriod: number; periodDays: number; otpThreshold: string };
  /** Anonymous sign-in codes (a typed number) per number and per conversation, as the OTP_SIGN_IN_* settings. Default 3 and 5. */
  signInLimits?: { perNumber: number; perConversation: number };
}

const CATALOG: OfferingView[] = DEMO_OFFERINGS.map((offering) => ({
  id: `off-${offering.code}`,
  code: offering.code,
  name: offering.name,
  description: offering.description,
  serviceType: offering.serviceType,
  isAddOn: offering.isAddOn,
  recurringPrice: offering.recurringPrice,
  oneTimePrice: offering.oneTimePrice,
  currency: 'USD',
  commitmentMonths: offering.commitmentMonths,
  lifecycleStatus: 'active',
  keywords: [...offering.keywords],
  compatibleWith: [...offering.compatibleWith],
  incompatibleWith: [...(offering.incompatibleWith ?? [])],
  availableAreas: [...(offering.availableAreas ?? [])],
}));

const DAY_MS = 86_400_000;
const MAX_ATTEMPTS = 3;

interface Challenge {
  customerId: string | null;
  attemptsLeft: number;
}

/** BotServices over in-memory data; `calls` holds every call made, in order. */
export class FakeBotServices implements BotServices {
  readonly calls: ServiceCall[] = [];
  /** Conversations a sign-in tied to a customer: the gateway would find them there on the next turn. */
  readonly signedIn = new Map<string, string>();
  private readonly customers = new Map<string, FixtureCustomer>();
  private readonly challenges = new Map<string, Challenge>();
  private readonly verified = new Set<string>();
  // Anonymous sign-in codes asked for, per typed number and per conversation (the clock never moves here).
  private readonly signInCodesPerNumber = new Map<string, number>();
  private readonly signInCodesPerConversation = new Map<string, number>();
  // What each idempotency key produced, per kind of write.
  private readonly placedOrders = new Map<string, PlaceOrderOutcome>();
  private readonly recordedAdjustments = new Map<string, AdjustmentOutcome>();
  private readonly profileUpdates = new Map<string, ProfileUpdateResult>();
  private readonly openedTickets = new Map<string, { ticket: TicketView; created: boolean }>();
  private readonly churnSignals = new Map<string, { id: string }>();
  private readonly acceptedOffers = new Map<string, AcceptOfferOutcome>();
  private readonly cancellationRequests = new Map<string, { order: OrderReference; created: boolean }>();
  private readonly cancellations: Array<{ customerId: string; productId: string; order: OrderReference }> = [];
  private nextNumber = 200_001;

  constructor(private readonly fixture: Fixture) {
    for (const customer of fixture.customers) this.customers.set(customer.id, structuredClone(customer));
    for (const customer of fixture.customers) if (customer.campaignOffer) this.campaignOffers.set(customer.id, customer.campaignOffer);
  }

  /** The calls to one service, their arguments. */
  callsTo(name: ServiceName): unknown[][] {
    return this.calls.filter((call) => call.name === name).map((call) => call.args);
  }

  /** The write calls made, in order. */
  writes(): ServiceCall[] {
    return this.calls.filter((call) => WRITES.includes(call.name));
  }

  summaryOf(customerId: string): CustomerSummary {
    const customer = this.customer(customerId);
    return { id: customer.id, givenName: customer.givenName, familyName: customer.familyName, status: customer.status ?? 'active' };
  }

  private record(name: ServiceName, ...args: unknown[]): void {
    this.calls.push({ name, args });
  }

  private customer(customerId: string): FixtureCustomer {
    const customer = this.customers.get(customerId);
    if (!customer) throw new Error(`No customer ${customerId} in the fixture`);
    return customer;
  }

  private number(): number {
    this.nextNumber += 1;
    return this.nextNumber;
  }

  async listActiveServices(customerId: string): Promise<SubscribedService[]> {
    this.record('listActiveServices', customerId);
    return this.customer(customerId).products.flatMap((product) => {
      const offering = offeringOf(product.offeringCode);
      if (offering.isAddOn) return [];
      return [{ productId: product.productId, serviceType: offering.serviceType, offeringName: offering.name, serviceIdentifier: product.serviceIdentifier ?? null }];
    });
  }

  async revokeTextConsent(request: { customerId: string | null; address: string; channel: Channel; words: string; correlationId: string }): Promise<void> {
    this.record('revokeTextConsent', request);
  }

  /** Every handoff is queued, first in line, with a two-minute wait (set `handoffResult` for other answers). */
  handoffResult: HandoffResult = { kind: 'queued', queue: 'general', position: 1, expectedWaitMinutes: 2 };

  async requestHandoff(request: BotHandoffRequest): Promise<HandoffResult> {
    this.record('requestHandoff', request);
    return this.handoffResult.kind === 'queued' ? { ...this.handoffResult, queue: queueForIntent(request.intent) } : this.handoffResult;
  }

  async findChurnRisk(customerId: string): Promise<ChurnRisk | null> {
    this.record('findChurnRisk', customerId);
    return this.fixture.customers.find((customer) => customer.id === customerId)?.churnRisk ?? null;
  }

  async recordComplaint(request: ComplaintRecord): Promise<void> {
    this.record('recordComplaint', request);
  }

  async listOfferings(): Promise<OfferingView[]> {
    this.record('listOfferings');
    return structuredClone(CATALOG);
  }

  async findOffering(code: string): Promise<OfferingView | null> {
    this.record('findOffering', code);
    return CATALOG.find((offering) => offering.code === code) ?? null;
  }

  async lookUpOfferings(text: string, serviceType?: ServiceType): Promise<OfferingLookup> {
    this.record('lookUpOfferings', text, serviceType);
    return searchOfferings(CATALOG, text, serviceType);
  }

  async checkOrderEligibility(customerId: string, offeringCode: string, intent: OrderIntent, now: Date): Promise<Eligibility | null> {
    this.record('checkOrderEligibility', customerId, offeringCode, intent, now);
    const offering = CATALOG.find((candidate) => candidate.code === offeringCode);
    if (!offering || !this.customers.has(customerId)) return null;
    return decideEligibility(offering, this.holdings(customerId, now), CATALOG, intent);
  }

  /** Campaign offers by customer id, as a test sets them. */
  readonly campaignOffers = new Map<string, { campaignId: string; variant: string; offerCode: string }>();

  async findCampaignOffer(customerId: string, now: Date): Promise<{ campaignId: string; variant: string; offerCode: string } | null> {
    this.record('findCampaignOffer', customerId, now);
    return this.campaignOffers.get(customerId) ?? null;
  }

  async recommendOffers(customerId: string | null, options: RecommendOptions, now: Date): Promise<OfferSuggestion[]> {
    this.record('recommendOffers', customerId, options, now);
    return recommendOffers(CATALOG, customerId ? this.holdings(customerId, now) : null, options);
  }

  async placeProductOrder(request: PlaceProductOrderRequest): Promise<PlaceOrderOutcome> {
    this.record('placeProductOrder', request);
    const offering = CATALOG.find((candidate) => candidate.code === request.offeringCode);
    if (!offering) return { status: 'unknownOffering' };
    const now = request.now ?? new Date();
    const eligibility = decideEligibility(offering, this.holdings(request.customerId, now), CATALOG, request.intent ?? {});
    if (!eligibility.eligible) return { status: 'refused', refusal: eligibility };
    return once(this.placedOrders, request.idempotencyKey, (): PlaceOrderOutcome => {
      const number = this.number();
      const order: OrderView = {
        id: `order-${number}`,
        reference: `ORD-${number}`,
        state: 'acknowledged',
        category: eligibility.category,
        description: null,
        channel: request.channel,
        createdAt: now,
        expectedCompletionDate: new Date(now.getTime() + 7 * DAY_MS),
        completionDate: null,
        currency: offering.currency,
        items: [
          {
            action: eligibility.action,
            offeringCode: offering.code,
            offeringName: offering.name,
            serviceType: offering.serviceType,
            state: 'acknowledged',
            recurringPrice: offering.recurringPrice,
            oneTimePrice: offering.oneTimePrice,
            productId: eligibility.replaces?.productId ?? null,
          },
        ],
      };
      const customer = this.customer(request.customerId);
      customer.orders = [order, ...(customer.orders ?? [])];
      return { status: 'created', order };
    });
  }

  async findCustomerOrder(customerId: string, number: number): Promise<OrderView | null> {
    this.record('findCustomerOrder', customerId, number);
    return this.customer(customerId).orders?.find((order) => order.reference === `ORD-${number}`) ?? null;
  }

  async listRecentOrders(customerId: string): Promise<OrderView[]> {
    this.record('listRecentOrders', customerId);
    return [...(this.customer(customerId).orders ?? [])];
  }

  async getBalance(customerId: string, now: Date): Promise<BalanceView> {
    this.record('getBalance', customerId, now);
    const bills = this.bills(customerId);
    const unpaid = bills
      .filter((bill) => isUnpaid(bill.state))
      .reverse()
      .map((bill) => ({ ...summary(bill), overdue: bill.dueDate.getTime() < now.getTime() }));
    const latest = bills[0];
    return {
      currency: 'USD',
      owed: centsToDecimal(sumCents(unpaid.map((bill) => toCents(bill.amountDue)))),
      unpaid,
      latest: latest ? summary(latest) : null,
      nextBillDate: latest ? new Date(latest.billDate.getTime() + 30 * DAY_MS) : null,
    };
  }

  async findLatestBill(customerId: string): Promise<BillView | null> {
    this.record('findLatestBill', customerId);
    return this.bills(customerId)[0] ?? null;
  }

  async findCustomerBill(customerId: string, number: number): Promise<BillView | null> {
    this.record('findCustomerBill', customerId, number);
    return this.bills(customerId).find((bill) => bill.number === number) ?? null;
  }

  async findCustomerBillForPeriod(customerId: string, from: Date, to: Date): Promise<BillView | null> {
    this.record('findCustomerBillForPeriod', customerId, from, to);
    const bills = this.bills(customerId);
    const inRange = (date: Date) => date.getTime() >= from.getTime() && date.getTime() <= to.getTime();
    return bills.find((bill) => inRange(bill.billDate)) ?? bills.find((bill) => bill.periodStart <= to && bill.periodEnd >= from) ?? null;
  }

  async findPreviousBill(bill: BillSummary): Promise<BillView | null> {
    this.record('findPreviousBill', bill);
    const all = [...this.customers.values()].flatMap((customer) => customer.bills ?? []);
    return all.filter((other) => other.accountId === bill.accountId && other.billDate.getTime() < bill.billDate.getTime()).sort((a, b) => b.billDate.getTime() - a.billDate.getTime())[0] ?? null;
  }

  async listRecentBills(customerId: string): Promise<BillSummary[]> {
    this.record('listRecentBills', customerId);
    return this.bills(customerId).map(summary);
  }

  async requestBillAdjustment(request: RequestBillAdjustment): Promise<AdjustmentOutcome> {
    this.record('requestBillAdjustment', request);
    const customer = this.customer(request.customerId);
    const bill = customer.bills?.find((candidate) => candidate.id === request.billId);
    const charge = bill?.charges.find((candidate) => candidate.id === request.chargeId);
    if (!bill || !charge) return { kind: 'chargeNotFound' };
    const existing = this.dispute(customer, charge.id);
    if (existing) return { kind: 'alreadyDisputed', adjustment: existing };
    const amountCents = parseCents(request.amount);
    if (amountCents === undefined || amountCents <= 0n) return { kind: 'invalidAmount' };
    if (amountCents > toCents(charge.amount)) return { kind: 'amountTooHigh', available: charge.amount };
    const policy = this.fixture.adjustmentPolicy ?? DEFAULT_ADJUSTMENT_POLICY;
    return once(this.recordedAdjustments, request.idempotencyKey, (): AdjustmentOutcome => {
      const approvedBefore = (customer.adjustments ?? []).filter((adjustment) => adjustment.decidedBy === 'policy').length;
      const decision = decideAdjustment({ amountCents, chargeOnBill: true, policyApprovedInPeriod: approvedBefore }, policy);
      const number = this.number();
      const adjustment: AdjustmentView = {
        id: `adj-${number}`,
        number,
        reference: `ADJ-${number}`,
        billId: bill.id,
        billReference: bill.reference,
        chargeId: charge.id,
        chargeDescription: charge.description,
        amount: centsToDecimal(amountCents),
        currency: bill.currency,
        reason: request.reason,
        status: decision.status,
        decisionReason: decision.reason,
        decidedBy: decision.status === 'approved' ? 'policy' : null,
        createdAt: request.now ?? new Date(),
        expectedOnBillDate: decision.status === 'approved' ? new Date(bill.billDate.getTime() + 30 * DAY_MS) : null,
      };
      customer.adjustments = [...(customer.adjustments ?? []), adjustment];
      return { kind: 'recorded', created: true, adjustment, decision };
    });
  }

  async findChargeDispute(customerId: string, chargeId: string): Promise<AdjustmentView | null> {
    this.record('findChargeDispute', customerId, chargeId);
    return this.dispute(this.customer(customerId), chargeId);
  }

  async findCustomerAdjustment(customerId: string, number: number): Promise<AdjustmentView | null> {
    this.record('findCustomerAdjustment', customerId, number);
    return this.customer(customerId).adjustments?.find((adjustment) => adjustment.number === number) ?? null;
  }

  async getProfile(customerId: string): Promise<CustomerProfile | null> {
    this.record('getProfile', customerId);
    const customer = this.customers.get(customerId);
    if (!customer) return null;
    return {
      customerId: customer.id,
      givenName: customer.givenName,
      familyName: customer.familyName,
      phone: customer.phone,
      email: customer.email,
      postalAddress: customer.postalAddress,
      preferredChannel: customer.preferredChannel,
      paperlessBill: customer.paperlessBill,
      marketingTexts: customer.marketingTexts,
    };
  }

  async updateProfile(request: ProfileUpdateRequest): Promise<ProfileUpdateResult> {
    this.record('updateProfile', request);
    const customer = this.customer(request.customerId);
    return once(this.profileUpdates, request.idempotencyKey, () => applyChange(customer, request.change));
  }

  async isVerified(request: { conversationId: string; customerId: string; now: Date }): Promise<boolean> {
    this.record('isVerified', request);
    return this.verified.has(`${request.conversationId}/${request.customerId}`);
  }

  async sendVerificationCode(request: { conversationId: string; target: CodeTarget; purpose: string; idempotencyKey: string; correlationId: string; now: Date }): Promise<IssueCodeResult> {
    this.record('sendVerificationCode', request);
    const limits = this.fixture.signInLimits ?? { perNumber: 3, perConversation: 5 };
    const target = request.target;
    const anonymous = !('customerId' in target);
    const askedHere = this.signInCodesPerConversation.get(request.conversationId) ?? 0;
    if (anonymous && askedHere >= limits.perConversation) return { status: 'signInLimited' };
    const customer =
      'customerId' in target ? this.customers.get(target.customerId) : 'phone' in target ? this.byPhone(target.phone) : [...this.customers.values()].find((candidate) => candidate.accountNumber?.toUpperCase() === target.accountNumber.toUpperCase());
    // An account number with no account behind it is answered like a real one (nothing can verify).
    const phone = 'phone' in target ? target.phone : (customer?.phone ?? ('accountNumber' in target ? target.accountNumber : undefined));
    if (!phone) return { status: 'noPhone' };
    const askedOfNumber = this.signInCodesPerNumber.get(phone) ?? 0;
    if (anonymous) {
      this.signInCodesPerConversation.set(request.conversationId, askedHere + 1);
      this.signInCodesPerNumber.set(phone, askedOfNumber + 1);
    }
    // Past the number's sign-in budget nothing is texted, so nothing can verify; the answer is the same.
    const withheld = anonymous && askedOfNumber >= limits.perNumber;
    this.challenges.set(request.conversationId, { customerId: withheld ? null : (customer?.id ?? null), attemptsLeft: MAX_ATTEMPTS });
    return { status: 'sent', challengeId: `otp-${request.conversationId}`, phone, expiresAt: new Date(request.now.getTime() + 600_000) };
  }

  async checkVerificationCode(request: { conversationId: string; answer: string; correlationId: string; now: Date }): Promise<CheckCodeResult> {
    this.record('checkVerificationCode', request);
    const challenge = this.challenges.get(request.conversationId);
    if (!challenge) return { status: 'none' };
    if (request.answer === FAKE_CODE && challenge.customerId) {
      this.challenges.delete(request.conversationId);
      this.verified.add(`${request.conversationId}/${challenge.customerId}`);
      return { status: 'verified', customerId: challenge.customerId };
    }
    challenge.attemptsLeft -= 1;
    if (challenge.attemptsLeft > 0) return { status: 'wrong', attemptsLeft: challenge.attemptsLeft };
    this.challenges.delete(request.conversationId);
    return { status: 'failed' };
  }

  async signInConversation(request: { conversationId: string; customerId: string; correlationId: string; now: Date }): Promise<CustomerSummary | null> {
    this.record('signInConversation', request);
    if (!this.verified.has(`${request.conversationId}/${request.customerId}`)) return null;
    this.signedIn.set(request.conversationId, request.customerId);
    return this.summaryOf(request.customerId);
  }

  async openTroubleTicket(request: OpenTroubleTicketRequest): Promise<{ ticket: TicketView; created: boolean }> {
    this.record('openTroubleTicket', request);
    return once(this.openedTickets, request.idempotencyKey, () => {
      const now = new Date();
      const ticket = this.addTicket(request.customerId, {
        serviceType: request.serviceType,
        ticketType: 'fault',
        description: request.description,
        createdAt: now,
        expectedResolutionDate: new Date(now.getTime() + 2 * DAY_MS),
      });
      return { ticket, created: true };
    });
  }

  async lookUpCustomerTicket(customerId: string, number: number): Promise<{ ticket: TicketView | null; recent: TicketView[] }> {
    this.record('lookUpCustomerTicket', customerId, number);
    const tickets = this.customer(customerId).tickets ?? [];
    return { ticket: tickets.find((ticket) => ticket.reference === `TT-${number}`) ?? null, recent: [...tickets] };
  }

  async listRecentTickets(customerId: string): Promise<TicketView[]> {
    this.record('listRecentTickets', customerId);
    return [...(this.customer(customerId).tickets ?? [])];
  }

  async findActiveOutage(customerId: string, serviceType: ServiceType): Promise<OutageView | null> {
    this.record('findActiveOutage', customerId, serviceType);
    const area = this.customer(customerId).serviceArea;
    return this.fixture.outages?.find((outage) => outage.area === area && outage.serviceType === serviceType) ?? null;
  }

  async linkCustomerToOutage(request: LinkToOutageRequest): Promise<{ ticket: TicketView; created: boolean }> {
    this.record('linkCustomerToOutage', request);
    const outage = this.fixture.outages?.find((candidate) => candidate.id === request.outageId);
    if (!outage) throw new Error(`No outage ${request.outageId} in the fixture`);
    const linked = this.customer(request.customerId).tickets?.find((ticket) => ticket.ticketType === 'outage' && ticket.serviceType === outage.serviceType);
    if (linked) return { ticket: linked, created: false };
    const ticket = this.addTicket(request.customerId, {
      serviceType: outage.serviceType,
      ticketType: 'outage',
      description: request.description ?? outage.description,
      createdAt: new Date(),
      expectedResolutionDate: outage.expectedRestoreAt,
    });
    return { ticket, created: true };
  }

  async findRetentionOffer(customerId: string, productId: string, now: Date): Promise<RetentionOffer | null> {
    this.record('findRetentionOffer', customerId, productId, now);
    return this.customer(customerId).retentionOffers?.[productId] ?? null;
  }

  async recordChurnSignal(request: RecordChurnSignalRequest): Promise<{ id: string }> {
    this.record('recordChurnSignal', request);
    return once(this.churnSignals, request.idempotencyKey, () => ({ id: `churn-${this.number()}` }));
  }

  async declineRetentionOffer(signalId: string): Promise<void> {
    this.record('declineRetentionOffer', signalId);
  }

  async acceptRetentionOffer(request: AcceptRetentionOfferRequest): Promise<AcceptOfferOutcome> {
    this.record('acceptRetentionOffer', request);
    return once(this.acceptedOffers, request.idempotencyKey, (): AcceptOfferOutcome => {
      if (request.offer.kind !== 'planChange') return { status: 'accepted', order: null };
      const number = this.number();
      return { status: 'accepted', order: { id: `order-${number}`, reference: `ORD-${number}`, monthlyPrice: request.offer.monthlyPrice } };
    });
  }

  async findOpenCancellation(customerId: string, productId: string): Promise<OrderReference | null> {
    this.record('findOpenCancellation', customerId, productId);
    return this.cancellations.find((entry) => entry.customerId === customerId && entry.productId === productId)?.order ?? null;
  }

  async requestServiceCancellation(request: RequestCancellationRequest): Promise<{ order: OrderReference; created: boolean }> {
    this.record('requestServiceCancellation', request);
    return once(this.cancellationRequests, request.idempotencyKey, () => {
      const number = this.number();
      const order = { id: `order-${number}`, reference: `ORD-${number}` };
      this.cancellations.push({ customerId: request.customerId, productId: request.productId, order });
      return { order, created: true };
    });
  }

  async answerResolutionQuestion(customerId: string, answer: 'affirm' | 'deny'): Promise<string | null> {
    this.record('answerResolutionQuestion', customerId, answer);
    return this.customer(customerId).resolutionReply?.[answer] ?? null;
  }

  async latestUpdate(subject: 'productOrder' | 'troubleTicket', id: string): Promise<{ at: Date; text: string } | null> {
    this.record('latestUpdate', subject, id);
    return this.fixture.updates?.[id] ?? null;
  }

  private bills(customerId: string): BillView[] {
    return [...(this.customer(customerId).bills ?? [])].sort((a, b) => b.billDate.getTime() - a.billDate.getTime());
  }

  private dispute(customer: FixtureCustomer, chargeId: string): AdjustmentView | null {
    return customer.adjustments?.find((adjustment) => adjustment.chargeId === chargeId && adjustment.status !== 'rejected') ?? null;
  }

  private byPhone(phone: string): FixtureCustomer | undefined {
    return [...this.customers.values()].find((customer) => customer.phone === phone);
  }

  private addTicket(customerId: string, fields: Pick<TicketView, 'serviceType' | 'ticketType' | 'description' | 'createdAt' | 'expectedResolutionDate'>): TicketView {
    const number = this.number();
    const ticket: TicketView = { id: `ticket-${number}`, reference: `TT-${number}`, status: 'acknowledged', severity: 'minor', statusChangeDate: fields.createdAt, ...fields };
    const customer = this.customer(customerId);
    customer.tickets = [ticket, ...(customer.tickets ?? [])];
    return ticket;
  }

  /** What the eligibility rules look at, from the fixture. */
  private holdings(customerId: string, now: Date): CustomerHoldings {
    const customer = this.customer(customerId);
    const products: HeldProduct[] = customer.products.map((product) => {
      const offering = offeringOf(product.offeringCode);
      return {
        productId: product.productId,
        offeringCode: offering.code,
        offeringName: offering.name,
        serviceType: offering.serviceType,
        isAddOn: offering.isAddOn,
        status: 'active',
        serviceIdentifier: product.serviceIdentifier ?? null,
        recurringPrice: offering.recurringPrice,
        compatibleWith: offering.compatibleWith,
        incompatibleWith: offering.incompatibleWith,
      };
    });
    const openOrders = (customer.orders ?? [])
      .filter((order) => !['completed', 'cancelled', 'failed', 'rejected'].includes(order.state))
      .map((order) => ({
        reference: order.reference,
        offeringCodes: order.items.map((item) => item.offeringCode),
        productIds: order.items.flatMap((item) => (item.productId ? [item.productId] : [])),
      }));
    const overdueBills = (customer.bills ?? [])
      .filter((bill) => isUnpaid(bill.state) && bill.dueDate.getTime() < now.getTime())
      .map((bill) => ({ reference: bill.reference, amountDue: bill.amountDue, dueDate: bill.dueDate }));
    return {
      customerId,
      customerStatus: customer.status ?? 'active',
      serviceArea: customer.serviceArea,
      account: { id: `acct-${customer.id}`, status: 'active' },
      products,
      overdueBills,
      openOrders,
    };
  }
}

const DEFAULT_ADJUSTMENT_POLICY = { autoApproveLimit: '25.00', autoApprovePerPeriod: 2, periodDays: 90, otpThreshold: '10.00' };

/** The same key returns what the first call returned, as the real services do. */
function once<T>(store: Map<string, T>, key: string, create: () => T): T {
  const existing = store.get(key);
  if (existing !== undefined) return existing;
  const created = create();
  store.set(key, created);
  return created;
}

function offeringOf(code: string): OfferingView {
  const offering = CATALOG.find((candidate) => candidate.code === code);
  if (!offering) throw new Error(`No offering ${code} in the demo catalog`);
  return offering;
}

function summary(bill: BillView): BillSummary {
  const { charges: _charges, ...rest } = bill;
  return rest;
}

function applyChange(customer: FixtureCustomer, change: ProfileChange): ProfileUpdateResult {
  switch (change.field) {
    case 'email': {
      const before = customer.email;
      customer.email = change.value;
      return { changed: before !== change.value, before, after: change.value };
    }
    case 'postalAddress': {
      const before = customer.postalAddress;
      customer.postalAddress = change.value;
      return { changed: true, before, after: change.value };
    }
    case 'preferredChannel': {
      const before = customer.preferredChannel;
      customer.preferredChannel = change.value;
      return { changed: before !== change.value, before, after: change.value };
    }
    case 'paperlessBill': {
      const before = customer.paperlessBill;
      customer.paperlessBill = change.value;
      return { changed: before !== change.value, before, after: change.value };
    }
    case 'marketingTexts': {
      const before = customer.marketingTexts;
      customer.marketingTexts = change.value;
      return { changed: before !== change.value, before, after: change.value };
    }
  }
}

/** A bill charge line, for fixtures. */
export function charge(id: string, chargeType: ChargeView['chargeType'], description: string, amount: string, product?: { productId: string; offeringCode: string }): ChargeView {
  const offering = product ? offeringOf(product.offeringCode) : undefined;
  return {
    id,
    chargeType,
    description,
    amount,
    productId: product?.productId ?? null,
    productName: offering?.name ?? null,
    serviceType: offering?.serviceType ?? null,
  };
}
