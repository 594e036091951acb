import type { AdjustmentPolicySettings } from '../src/domain/billing/adjustment-policy.ts';
import type { VerificationSettings } from '../src/domain/identity/verification.service.ts';
import type { ServiceType } from '../src/generated/prisma/client.ts';
import type { BillingServices } from './services/billing.ts';
import type { TrackingServices } from './services/tracking.ts';
import type { IdentityServices } from './services/identity.ts';
import type { OrderServices } from './services/orders.ts';
import type { ProfileServices } from './services/profile.ts';
import type { RetentionServices } from './services/retention.ts';
import type { TicketServices } from './services/tickets.ts';
import type { SubscribedService } from '../src/domain/customers/customers.service.ts';

/** The domain services dialogs may call; src/bot binds them to the database. One interface per area. */
export interface BotServices extends OrderServices, BillingServices, ProfileServices, IdentityServices, TicketServices, RetentionServices, TrackingServices {
  listActiveServices(customerId: string): Promise<SubscribedService[]>;
  /** Records that the customer asked for a person; the handoff itself comes with the agent console. */
  recordAgentRequest(request: { customerId: string | null; conversationInboundId: string; correlationId: string }): Promise<void>;
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
}

export type { ServiceType };
