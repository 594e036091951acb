import type { RetentionOffer } from '../../src/domain/retention/retention-policy.ts';
import type {
  AcceptOfferOutcome,
  AcceptRetentionOfferRequest,
  OrderReference,
  RecordChurnSignalRequest,
  RequestCancellationRequest,
} from '../../src/domain/retention/retention.service.ts';

/** The retention services dialogs may call; src/bot/services/retention.ts binds them to the database. */
export interface RetentionServices {
  /** The one retention offer that fits this customer and product, or null. */
  findRetentionOffer(customerId: string, productId: string, now: Date): Promise<RetentionOffer | null>;
  /** Records a request to cancel as a churn signal; the same idempotency key returns the same signal. */
  recordChurnSignal(request: RecordChurnSignalRequest): Promise<{ id: string }>;
  declineRetentionOffer(signalId: string): Promise<void>;
  /** Makes an accepted offer real: a plan change order, or a discount recorded for billing; refused when the order rules say no. */
  acceptRetentionOffer(request: AcceptRetentionOfferRequest): Promise<AcceptOfferOutcome>;
  /** The customer's open cancellation request for this product, if any. */
  findOpenCancellation(customerId: string, productId: string): Promise<OrderReference | null>;
  /** A held cancellation order for a person to act on; never changes the product itself. */
  requestServiceCancellation(request: RequestCancellationRequest): Promise<{ order: OrderReference; created: boolean }>;
}
