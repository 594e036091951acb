import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';

// Staff search for customers by what a caller or a colleague would say: a name, a phone number
// in any common form, an email, an account number. (References — ORD-, TT-, INV-, ADJ- — are
// resolved by their own processes; the console composes them.)

export interface CustomerSearchHit {
  id: string;
  name: string;
  status: string;
  phone: string | null;
  email: string | null;
  accountNumbers: string[];
}

const HIT_SELECT = {
  id: true,
  givenName: true,
  familyName: true,
  status: true,
  contactMedia: { select: { mediumType: true, phoneNumber: true, email: true }, orderBy: { createdAt: 'asc' } },
  accounts: { select: { accountNumber: true }, orderBy: { createdAt: 'asc' } },
} as const satisfies Prisma.CustomerSelect;

type HitRow = Prisma.CustomerGetPayload<{ select: typeof HIT_SELECT }>;

export function toSearchHit(row: HitRow): CustomerSearchHit {
  return {
    id: row.id,
    name: `${row.givenName} ${row.familyName}`,
    status: row.status,
    phone: row.contactMedia.find((medium) => medium.phoneNumber)?.phoneNumber ?? null,
    email: row.contactMedia.find((medium) => medium.email)?.email ?? null,
    accountNumbers: row.accounts.map((account) => account.accountNumber),
  };
}

/** Customers matching the text by name, phone, email or account number; at most `limit`, by name. */
export async function searchCustomers(db: DbClient, text: string, limit = 20): Promise<CustomerSearchHit[]> {
  const query = text.trim();
  if (query.length === 0) return [];
  const or: Prisma.CustomerWhereInput[] = [
    { accounts: { some: { accountNumber: { equals: query, mode: 'insensitive' } } } },
    { contactMedia: { some: { email: { contains: query, mode: 'insensitive' } } } },
  ];
  const phone = parsePhoneNumberFromString(query, 'US');
  if (phone?.isPossible()) or.push({ contactMedia: { some: { phoneNumber: phone.number } } });
  const words = query.split(/\s+/).filter((word) => word.length > 0);
  if (words.length > 0 && words.length <= 4 && /[a-z]/i.test(query)) {
    // Every word in the given or the family name: "alex morgan", "morgan", "Alex M".
    or.push({ AND: words.map((word) => ({ OR: [{ givenName: { contains: word, mode: 'insensitive' as const } }, { familyName: { contains: word, mode: 'insensitive' as const } }] })) });
  }
  const rows = await db.customer.findMany({ where: { OR: or }, select: HIT_SELECT, orderBy: [{ familyName: 'asc' }, { givenName: 'asc' }], take: limit });
  return rows.map(toSearchHit);
}

/** One customer as a search hit (for a reference that named its customer). */
export async function getCustomerSearchHit(db: DbClient, customerId: string): Promise<CustomerSearchHit | null> {
  const row = await db.customer.findUnique({ where: { id: customerId }, select: HIT_SELECT });
  return row ? toSearchHit(row) : null;
}

export interface CustomerProductView {
  id: string;
  serviceType: string;
  offeringName: string;
  isAddOn: boolean;
  status: string;
  serviceIdentifier: string | null;
  startDate: Date | null;
  recurringPrice: string | null;
}

/** Every product the customer holds or held (active first), for the staff view. */
export async function listCustomerProducts(db: DbClient, customerId: string): Promise<CustomerProductView[]> {
  const products = await db.product.findMany({
    where: { customerId },
    orderBy: [{ status: 'asc' }, { startDate: 'asc' }],
    select: { id: true, serviceType: true, status: true, serviceIdentifier: true, startDate: true, offering: { select: { name: true, isAddOn: true, recurringPrice: true } } },
  });
  return products.map((product) => ({
    id: product.id,
    serviceType: product.serviceType,
    offeringName: product.offering.name,
    isAddOn: product.offering.isAddOn,
    status: product.status,
    serviceIdentifier: product.serviceIdentifier,
    startDate: product.startDate,
    recurringPrice: product.offering.recurringPrice?.toFixed(2) ?? null,
  }));
}
