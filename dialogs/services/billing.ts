import type { AdjustmentOutcome, AdjustmentView, RequestBillAdjustment } from '../../src/domain/billing/adjustments.service.ts';
import type { BalanceView, BillSummary, BillView } from '../../src/domain/billing/bills.service.ts';

/** The billing domain services dialogs may call; src/bot/services/billing.ts binds them to the database. */
export interface BillingServices {
  /** What the customer owes across unpaid bills, and when the next bill comes. */
  getBalance(customerId: string, now: Date): Promise<BalanceView>;
  findLatestBill(customerId: string): Promise<BillView | null>;
  /** The customer's own bill with this number (INV-<number>); null for anyone else's. */
  findCustomerBill(customerId: string, number: number): Promise<BillView | null>;
  /** The customer's bill for a named period ("last month"): dated in it, else covering it. */
  findCustomerBillForPeriod(customerId: string, from: Date, to: Date): Promise<BillView | null>;
  /** The bill before this one on the same account. */
  findPreviousBill(bill: BillSummary): Promise<BillView | null>;
  listRecentBills(customerId: string): Promise<BillSummary[]>;
  /** Asks for a credit on a charge; the configured policy approves it or leaves it for a person. */
  requestBillAdjustment(request: RequestBillAdjustment): Promise<AdjustmentOutcome>;
  /** The adjustment already asked for on this charge (not rejected), if any. */
  findChargeDispute(customerId: string, chargeId: string): Promise<AdjustmentView | null>;
  /** The customer's own adjustment with this number (ADJ-<number>). */
  findCustomerAdjustment(customerId: string, number: number): Promise<AdjustmentView | null>;
}
