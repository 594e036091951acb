import type { BillingServices } from '../../../dialogs/services/billing.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import { findChargeDispute, findCustomerAdjustment, requestBillAdjustment } from '../../domain/billing/adjustments.service.ts';
import { findCustomerBill, findCustomerBillForPeriod, findLatestBill, findPreviousBill, getBalance, listRecentBills } from '../../domain/billing/bills.service.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The billing services dialogs use, bound to a database. */
export function createBillingServices(db: DbClient, settings: BotSettings): BillingServices {
  return {
    getBalance: (customerId, now) => getBalance(db, customerId, now),
    findLatestBill: (customerId) => findLatestBill(db, customerId),
    findCustomerBill: (customerId, number) => findCustomerBill(db, customerId, number),
    findCustomerBillForPeriod: (customerId, from, to) => findCustomerBillForPeriod(db, customerId, from, to),
    findPreviousBill: (bill) => findPreviousBill(db, bill),
    listRecentBills: (customerId) => listRecentBills(db, customerId),
    requestBillAdjustment: (request) => requestBillAdjustment(db, request, settings.adjustments),
    findChargeDispute: (customerId, chargeId) => findChargeDispute(db, customerId, chargeId),
    findCustomerAdjustment: (customerId, number) => findCustomerAdjustment(db, customerId, number),
  };
}
