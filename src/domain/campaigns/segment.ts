import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';

// A campaign's audience: customers matching every condition given (empty lists and absent fields
// match everyone), active, with a phone number on file. Read in keyset pages by customer id, so
// an audience of any size streams in constant memory.

const offeringCode = z.string().regex(/^[A-Z0-9-]{2,40}$/, 'an offering code such as FIBER-2G');

export const segmentSchema = z.object({
  /** Holds every one of these offerings (active). */
  productsHeld: z.array(offeringCode).max(10).default([]),
  /** Holds none of these. */
  productsNotHeld: z.array(offeringCode).max(20).default([]),
  /** Current churn band is one of these. */
  churnBands: z.array(z.enum(['low', 'medium', 'high'])).max(3).default([]),
  /** Service area (postcode) starts with one of these. */
  regions: z.array(z.string().regex(/^\d{1,5}$/, 'a postcode or its first digits')).max(50).default([]),
  minTenureMonths: z.number().int().min(0).max(600).optional(),
  maxTenureMonths: z.number().int().min(0).max(600).optional(),
  /** A commitment ends within this many days. */
  contractEndsWithinDays: z.number().int().min(1).max(365).optional(),
  /** Wrote to us within this many days ... */
  contactedWithinDays: z.number().int().min(1).max(365).optional(),
  /** ... or has not for this many days. */
  noContactForDays: z.number().int().min(1).max(365).optional(),
  /** Preferred channel. */
  channel: z.enum(['sms', 'webchat', 'voice']).optional(),
});

export type Segment = z.output<typeof segmentSchema>;

export interface SegmentMember {
  customerId: string;
  givenName: string;
  phoneNumber: string;
}

const memberRows = z.array(z.object({ customerId: z.string(), givenName: z.string(), phoneNumber: z.string() }));

/** One page of the segment: members with an id after `afterId`, in id order. */
export async function segmentPage(db: DbClient, segment: Segment, afterId: string | null, limit: number, now: Date): Promise<SegmentMember[]> {
  const rows = await db.$queryRaw`
    SELECT c."id" AS "customerId", c."givenName", phone."phoneNumber"
    FROM "Customer" c
    JOIN LATERAL (
      SELECT cm."phoneNumber" FROM "ContactMedium" cm
      WHERE cm."customerId" = c."id" AND cm."mediumType" = 'phone' AND cm."phoneNumber" IS NOT NULL
      ORDER BY cm."preferred" DESC, cm."createdAt" ASC LIMIT 1
    ) phone ON true
    WHERE c."status" = 'active' ${afterId ? Prisma.sql`AND c."id" > ${afterId}` : Prisma.empty} ${conditions(segment, now)}
    ORDER BY c."id" ASC
    LIMIT ${limit}`;
  return memberRows.parse(rows);
}

/** How many customers the segment holds, and how many of them have consent to the program (not overridden by a general revocation). */
export async function countSegment(db: DbClient, segment: Segment, program: string, now: Date): Promise<{ audience: number; withMarketingConsent: number }> {
  const rows = await db.$queryRaw`
    SELECT count(*)::int AS "audience",
      count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM "ProgramConsent" k WHERE k."channel" = 'sms' AND k."address" = phone."phoneNumber" AND k."program" = ${program} AND k."status" = 'granted'
      ) AND NOT EXISTS (
        SELECT 1 FROM "Consent" k WHERE k."channel" = 'sms' AND k."address" = phone."phoneNumber" AND k."status" = 'revoked'
      ))::int AS "withMarketingConsent"
    FROM "Customer" c
    JOIN LATERAL (
      SELECT cm."phoneNumber" FROM "ContactMedium" cm
      WHERE cm."customerId" = c."id" AND cm."mediumType" = 'phone' AND cm."phoneNumber" IS NOT NULL
      ORDER BY cm."preferred" DESC, cm."createdAt" ASC LIMIT 1
    ) phone ON true
    WHERE c."status" = 'active' ${conditions(segment, now)}`;
  const [row] = z.array(z.object({ audience: z.number(), withMarketingConsent: z.number() })).parse(rows);
  return row ?? { audience: 0, withMarketingConsent: 0 };
}

function conditions(segment: Segment, now: Date): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  const held = (code: string) => Prisma.sql`EXISTS (SELECT 1 FROM "Product" p JOIN "ProductOffering" o ON o."id" = p."offeringId" WHERE p."customerId" = c."id" AND p."status" = 'active' AND o."code" = ${code})`;
  for (const code of segment.productsHeld) parts.push(held(code));
  if (segment.productsNotHeld.length > 0) {
    parts.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM "Product" p JOIN "ProductOffering" o ON o."id" = p."offeringId" WHERE p."customerId" = c."id" AND p."status" IN ('active', 'pendingActive', 'suspended') AND o."code" IN (${Prisma.join(segment.productsNotHeld)}))`);
  }
  if (segment.churnBands.length > 0) {
    parts.push(Prisma.sql`(SELECT s."band"::text FROM "ChurnScore" s WHERE s."customerId" = c."id" ORDER BY s."computedAt" DESC LIMIT 1) IN (${Prisma.join(segment.churnBands)})`);
  }
  if (segment.regions.length > 0) parts.push(Prisma.sql`(${Prisma.join(segment.regions.map((region) => Prisma.sql`c."serviceArea" LIKE ${`${region}%`}`), ' OR ')})`);
  const firstStart = Prisma.sql`(SELECT min(p."startDate") FROM "Product" p WHERE p."customerId" = c."id")`;
  if (segment.minTenureMonths !== undefined) parts.push(Prisma.sql`${firstStart} <= ${monthsBefore(now, segment.minTenureMonths)}`);
  if (segment.maxTenureMonths !== undefined) parts.push(Prisma.sql`${firstStart} > ${monthsBefore(now, segment.maxTenureMonths)}`);
  if (segment.contractEndsWithinDays !== undefined) {
    const until = new Date(now.getTime() + segment.contractEndsWithinDays * 86_400_000);
    parts.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "Product" p JOIN "ProductOffering" o ON o."id" = p."offeringId" WHERE p."customerId" = c."id" AND p."status" = 'active' AND o."commitmentMonths" > 0 AND p."startDate" + make_interval(months => o."commitmentMonths") BETWEEN ${now} AND ${until})`,
    );
  }
  const contactedSince = (days: number) =>
    Prisma.sql`EXISTS (SELECT 1 FROM "Interaction" i WHERE i."customerId" = c."id" AND i."direction" = 'inbound' AND i."createdAt" >= ${new Date(now.getTime() - days * 86_400_000)})`;
  if (segment.contactedWithinDays !== undefined) parts.push(contactedSince(segment.contactedWithinDays));
  if (segment.noContactForDays !== undefined) parts.push(Prisma.sql`NOT ${contactedSince(segment.noContactForDays)}`);
  if (segment.channel) parts.push(Prisma.sql`c."preferredChannel"::text = ${segment.channel}`);
  return parts.length === 0 ? Prisma.empty : Prisma.sql`AND ${Prisma.join(parts, ' AND ')}`;
}

function monthsBefore(now: Date, months: number): Date {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date;
}
