import { z } from 'zod';
import type { Channel, ConsentPurpose } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';

const ALL_PURPOSES: ConsentPurpose[] = ['service', 'marketing'];

interface ConsentChange {
  channel: Channel;
  address: string;
  customerId: string | null;
  /** Where the change came from, e.g. "sms-keyword:STOP". */
  source: string;
  correlationId?: string | undefined;
}

/** STOP: the address gets no more messages of any purpose until it opts back in. */
export async function recordOptOut(db: DbClient, change: ConsentChange): Promise<void> {
  for (const purpose of ALL_PURPOSES) await setConsent(db, change, purpose, 'revoked');
}

/** START: service messages resume; marketing stays as it is until asked for again. */
export async function recordOptIn(db: DbClient, change: ConsentChange): Promise<void> {
  await setConsent(db, change, 'service', 'granted');
}

/** Marketing messages on or off for an address, as the customer asked (e.g. source `bot`). */
export async function recordMarketingConsent(db: DbClient, change: ConsentChange, granted: boolean): Promise<void> {
  await setConsent(db, change, 'marketing', granted ? 'granted' : 'revoked');
}

/** True when the address has agreed to marketing messages on the channel. */
export async function hasMarketingConsent(db: DbClient, channel: Channel, address: string): Promise<boolean> {
  const consent = await db.consent.findUnique({
    where: { channel_address_purpose: { channel, address, purpose: 'marketing' } },
    select: { status: true },
  });
  return consent?.status === 'granted';
}

async function setConsent(db: DbClient, change: ConsentChange, purpose: ConsentPurpose, status: 'granted' | 'revoked') {
  const { channel, address, customerId, source } = change;
  const consent = await db.consent.upsert({
    where: { channel_address_purpose: { channel, address, purpose } },
    create: { channel, address, purpose, status, source, customerId },
    update: { status, source, ...(customerId ? { customerId } : {}) },
  });
  await recordAuditEvent(db, {
    actorType: customerId ? 'customer' : 'system',
    actorId: customerId ?? undefined,
    action: status === 'revoked' ? 'consent.revoke' : 'consent.grant',
    entityType: 'consent',
    entityId: consent.id,
    details: { purpose, source, channel },
    correlationId: change.correlationId,
  });
}

/** True when the address has opted out of service messages on the channel. */
export async function isOptedOut(db: DbClient, channel: Channel, address: string): Promise<boolean> {
  const consent = await db.consent.findUnique({
    where: { channel_address_purpose: { channel, address, purpose: 'service' } },
    select: { status: true },
  });
  return consent?.status === 'revoked';
}

/** A marketing program's name, e.g. "offers" or "retention". */
export const marketingProgramSchema = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'a program name such as offers or retention');

interface ProgramConsentChange extends ConsentChange {
  program: string;
  /** The exact text the customer was shown and agreed to (or the words they revoked with). */
  disclosureText: string;
  /** Where: the page, the number texted, the conversation. */
  where?: string | undefined;
  /** When the customer agreed (default now). */
  at?: Date | undefined;
}

/**
 * Marketing consent for one program, with its disclosure text and how, where and when. Granting
 * a program also records general marketing consent on the address (a STOP or "no more offers"
 * revokes that, and with it every program).
 */
export async function recordProgramConsent(db: DbClient, change: ProgramConsentChange, granted: boolean): Promise<void> {
  const program = marketingProgramSchema.parse(change.program);
  const disclosureText = change.disclosureText.trim();
  if (disclosureText.length === 0) throw new Error('a program consent needs the disclosure text the customer saw');
  const { channel, address, customerId, source } = change;
  const status = granted ? 'granted' : 'revoked';
  const fields = { status, disclosureText, source, capturedWhere: change.where ?? null, capturedAt: change.at ?? new Date() } as const;
  const consent = await db.programConsent.upsert({
    where: { channel_address_program: { channel, address, program } },
    create: { channel, address, program, customerId, ...fields },
    update: { ...fields, ...(customerId ? { customerId } : {}) },
  });
  await recordAuditEvent(db, {
    actorType: customerId ? 'customer' : 'system',
    actorId: customerId ?? undefined,
    action: granted ? 'consent.program.grant' : 'consent.program.revoke',
    entityType: 'programConsent',
    entityId: consent.id,
    details: { program, source, channel, where: change.where ?? null },
    correlationId: change.correlationId,
  });
  if (granted) await setConsent(db, change, 'marketing', 'granted');
}

/** The address's consents for marketing programs, newest first. */
export async function listProgramConsents(db: DbClient, channel: Channel, address: string) {
  return db.programConsent.findMany({ where: { channel, address }, orderBy: { capturedAt: 'desc' } });
}
