import type { ServiceType } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';

export interface CustomerSummary {
  id: string;
  givenName: string;
  familyName: string;
  status: string;
}

export interface SubscribedService {
  productId: string;
  serviceType: ServiceType;
  offeringName: string;
  serviceIdentifier: string | null;
}

/** The id of the customer whose phone contact medium is this E.164 number, if any (one query). */
export async function findCustomerIdByPhone(db: DbClient, phone: string): Promise<string | null> {
  const medium = await db.contactMedium.findUnique({ where: { phoneNumber: phone }, select: { customerId: true } });
  return medium?.customerId ?? null;
}

export async function getCustomer(db: DbClient, customerId: string): Promise<CustomerSummary | null> {
  return db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, givenName: true, familyName: true, status: true },
  });
}

/** Active base services (not add-ons) the customer can report a fault on, one per product. */
export async function listActiveServices(db: DbClient, customerId: string): Promise<SubscribedService[]> {
  const products = await db.product.findMany({
    where: { customerId, status: { in: ['active', 'suspended'] }, offering: { isAddOn: false } },
    select: { id: true, serviceType: true, serviceIdentifier: true, offering: { select: { name: true } } },
    orderBy: { startDate: 'asc' },
  });
  return products.map((product) => ({
    productId: product.id,
    serviceType: product.serviceType,
    offeringName: product.offering.name,
    serviceIdentifier: product.serviceIdentifier,
  }));
}
