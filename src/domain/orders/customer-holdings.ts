import type { ProductOrderState, ProductStatus } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { getBalance } from '../billing/bills.service.ts';
import type { CustomerHoldings, HeldProduct, OpenOrder } from '../catalog/eligibility.ts';
import { formatOrderReference } from '../references.ts';

// What the eligibility rules look at, read in one place: the customer's standing, products,
// overdue bills (as the billing domain defines them) and orders still in progress.

/** Products that count as held: in service, suspended, or on their way. */
const HELD_STATUSES: readonly ProductStatus[] = ['created', 'pendingActive', 'active', 'suspended'];
/** Orders still to be done: a second order for the same thing would be a duplicate. */
export const OPEN_ORDER_STATES: readonly ProductOrderState[] = ['acknowledged', 'pending', 'held', 'inProgress', 'assessingCancellation'];

export async function loadCustomerHoldings(db: DbClient, customerId: string, now: Date): Promise<CustomerHoldings | null> {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: {
      id: true,
      status: true,
      serviceArea: true,
      accounts: { select: { id: true, status: true }, orderBy: { createdAt: 'asc' } },
      products: {
        where: { status: { in: [...HELD_STATUSES] } },
        orderBy: { startDate: 'asc' },
        select: {
          id: true,
          serviceType: true,
          status: true,
          serviceIdentifier: true,
          offering: { select: { code: true, name: true, isAddOn: true, recurringPrice: true, compatibleWith: true, incompatibleWith: true } },
        },
      },
      orders: {
        where: { state: { in: [...OPEN_ORDER_STATES] } },
        select: { number: true, items: { select: { productId: true, offering: { select: { code: true } } } } },
      },
    },
  });
  if (!customer) return null;
  const balance = await getBalance(db, customerId, now);
  const products = customer.products.map(
    (product): HeldProduct => ({
      productId: product.id,
      offeringCode: product.offering.code,
      offeringName: product.offering.name,
      serviceType: product.serviceType,
      isAddOn: product.offering.isAddOn,
      status: product.status,
      serviceIdentifier: product.serviceIdentifier,
      recurringPrice: product.offering.recurringPrice.toFixed(2),
      compatibleWith: product.offering.compatibleWith,
      incompatibleWith: product.offering.incompatibleWith,
    }),
  );
  const openOrders = customer.orders.map(
    (order): OpenOrder => ({
      reference: formatOrderReference(order.number),
      offeringCodes: order.items.map((item) => item.offering.code),
      productIds: order.items.flatMap((item) => (item.productId ? [item.productId] : [])),
    }),
  );
  // Orders go on the customer's active account; a customer with only suspended ones is stopped by the rules.
  const account = customer.accounts.find((candidate) => candidate.status === 'active') ?? customer.accounts[0] ?? null;
  return {
    customerId: customer.id,
    customerStatus: customer.status,
    serviceArea: customer.serviceArea,
    account,
    products,
    overdueBills: balance.unpaid.filter((bill) => bill.overdue).map((bill) => ({ reference: bill.reference, amountDue: bill.amountDue, dueDate: bill.dueDate })),
    openOrders,
  };
}
