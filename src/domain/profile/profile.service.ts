import { z } from 'zod';
import type { Channel } from '../../generated/prisma/client.ts';
import { inTransaction, type DbClient } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { formatPostalAddress, type PostalAddress } from './postal-address.ts';
import { hasMarketingConsent, recordMarketingConsent, recordProgramConsent } from '../contact-policy/consent.service.ts';

// The customer's own record (TMF629 Customer with its contactMedium, the billing account's
// paperless flag, and the marketing consent), as the customer may see and change it.

export { formatPostalAddress, parsePostalAddress, postalAddressHint, readPostalAddress, type PostalAddress, type PostalAddressProblem } from './postal-address.ts';

export interface CustomerProfile {
  customerId: string;
  givenName: string;
  familyName: string;
  /** The preferred phone number on file (E.164). */
  phone: string | null;
  email: string | null;
  postalAddress: PostalAddress | null;
  preferredChannel: Channel;
  /** The billing account's setting; null without an account. */
  paperlessBill: boolean | null;
  /** Marketing texts to the phone on file (Consent, purpose marketing). */
  marketingTexts: boolean;
}

/** One change the customer can make to their profile. */
export type ProfileChange =
  | { field: 'email'; value: string }
  | { field: 'postalAddress'; value: PostalAddress }
  | { field: 'preferredChannel'; value: Channel }
  | { field: 'paperlessBill'; value: boolean }
  | { field: 'marketingTexts'; value: boolean };

export type ProfileField = ProfileChange['field'];

export const PROFILE_FIELDS: readonly ProfileField[] = ['email', 'postalAddress', 'preferredChannel', 'paperlessBill', 'marketingTexts'];

export interface ProfileUpdateRequest {
  customerId: string;
  change: ProfileChange;
  /** A retried turn changes and audits nothing twice: use `profile-${inboundId}`. */
  idempotencyKey: string;
  channel: Channel;
  correlationId?: string | undefined;
  /** Marketing texts turned on: the exact words the customer was shown and agreed to (recorded with the "offers" program's consent). */
  disclosureText?: string | undefined;
  /** Who made the change, when not the customer themselves (a staff member in the console). */
  actor?: { actorType: 'staff'; actorId: string } | undefined;
}

export interface ProfileUpdateResult {
  /** False when the value was already that (or this key was applied before). */
  changed: boolean;
  before: ProfileChange['value'] | null;
  after: ProfileChange['value'];
}

const PROFILE_UPDATED = 'customer.profileUpdated';
const emailSchema = z.email();

/** A normalised email address, or undefined when the text is not one. */
export function parseEmail(text: string): string | undefined {
  const candidate = text.trim().replace(/[.,;!]+$/, '').toLowerCase();
  return emailSchema.safeParse(candidate).success && candidate.length <= 254 ? candidate : undefined;
}

/** Everything on file the customer may see, in one read per table. */
export async function getCustomerProfile(db: DbClient, customerId: string): Promise<CustomerProfile | null> {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: {
      givenName: true,
      familyName: true,
      preferredChannel: true,
      contactMedia: { orderBy: [{ preferred: 'desc' }, { createdAt: 'asc' }] },
      accounts: { where: { status: { not: 'closed' } }, orderBy: { createdAt: 'asc' }, select: { paperlessBill: true }, take: 1 },
    },
  });
  if (!customer) return null;
  const phone = customer.contactMedia.find((medium) => medium.mediumType === 'phone' && medium.phoneNumber)?.phoneNumber ?? null;
  const email = customer.contactMedia.find((medium) => medium.mediumType === 'email' && medium.email)?.email ?? null;
  const postal = customer.contactMedia.find((medium) => medium.mediumType === 'postalAddress' && medium.street);
  return {
    customerId,
    givenName: customer.givenName,
    familyName: customer.familyName,
    phone,
    email,
    postalAddress: postal?.street && postal.city && postal.postCode ? { street: postal.street, city: postal.city, postCode: postal.postCode } : null,
    preferredChannel: customer.preferredChannel,
    paperlessBill: customer.accounts[0]?.paperlessBill ?? null,
    marketingTexts: phone ? await hasMarketingConsent(db, 'sms', phone) : false,
  };
}

/** The current value of one field. */
export function profileValue(profile: CustomerProfile, field: ProfileField): ProfileChange['value'] | null {
  switch (field) {
    case 'email':
      return profile.email;
    case 'postalAddress':
      return profile.postalAddress;
    case 'preferredChannel':
      return profile.preferredChannel;
    case 'paperlessBill':
      return profile.paperlessBill;
    case 'marketingTexts':
      return profile.marketingTexts;
  }
}

/** True when the change would leave the field as it is. */
export function isUnchanged(profile: CustomerProfile, change: ProfileChange): boolean {
  return sameValue(profileValue(profile, change.field), change.value);
}

/**
 * Applies one confirmed change and its audit record (field, before, after) in one transaction.
 * Idempotent on the key: a retried turn finds its audit record and changes nothing.
 */
export async function updateCustomerProfile(db: DbClient, request: ProfileUpdateRequest): Promise<ProfileUpdateResult> {
  const { customerId, change, idempotencyKey } = request;
  return inTransaction(db, async (tx) => {
    const applied = await tx.auditEvent.findFirst({
      where: { action: PROFILE_UPDATED, entityType: 'customer', entityId: customerId, details: { path: ['idempotencyKey'], equals: idempotencyKey } },
      select: { id: true },
    });
    const profile = await getCustomerProfile(tx, customerId);
    if (!profile) throw new Error(`Customer ${customerId} not found`);
    const before = profileValue(profile, change.field);
    if (applied || sameValue(before, change.value)) return { changed: false, before, after: change.value };
    await applyChange(tx, profile, change, request);
    await recordAuditEvent(tx, {
      actorType: request.actor?.actorType ?? 'customer',
      actorId: request.actor?.actorId ?? customerId,
      action: PROFILE_UPDATED,
      entityType: 'customer',
      entityId: customerId,
      details: { field: change.field, before: auditValue(before), after: auditValue(change.value), channel: request.channel, idempotencyKey },
      correlationId: request.correlationId,
    });
    return { changed: true, before, after: change.value };
  });
}

async function applyChange(tx: DbClient, profile: CustomerProfile, change: ProfileChange, request: ProfileUpdateRequest): Promise<void> {
  const { customerId } = profile;
  switch (change.field) {
    case 'email': {
      const updated = await tx.contactMedium.updateMany({ where: { customerId, mediumType: 'email' }, data: { email: change.value } });
      if (updated.count === 0) await tx.contactMedium.create({ data: { customerId, mediumType: 'email', email: change.value } });
      return;
    }
    case 'postalAddress': {
      const updated = await tx.contactMedium.updateMany({ where: { customerId, mediumType: 'postalAddress' }, data: { ...change.value } });
      if (updated.count === 0) await tx.contactMedium.create({ data: { customerId, mediumType: 'postalAddress', country: 'US', ...change.value } });
      return;
    }
    case 'preferredChannel':
      await tx.customer.update({ where: { id: customerId }, data: { preferredChannel: change.value } });
      return;
    case 'paperlessBill':
      await tx.account.updateMany({ where: { customerId, status: { not: 'closed' } }, data: { paperlessBill: change.value } });
      return;
    case 'marketingTexts':
      if (!profile.phone) throw new Error(`Customer ${customerId} has no phone number for marketing texts`);
      // Turned on in the conversation: consent to the "offers" program in the words the bot used (which grants marketing too).
      if (change.value) {
        await recordProgramConsent(
          tx,
          { channel: 'sms', address: profile.phone, customerId, source: 'bot', program: 'offers', disclosureText: request.disclosureText ?? 'Turn marketing texts on? (yes)', where: `${request.channel} conversation`, correlationId: request.correlationId },
          true,
        );
      } else {
        await recordMarketingConsent(tx, { channel: 'sms', address: profile.phone, customerId, source: 'bot', correlationId: request.correlationId }, false);
      }
      return;
  }
}

function sameValue(a: ProfileChange['value'] | null, b: ProfileChange['value']): boolean {
  if (typeof a === 'object' && a !== null && typeof b === 'object') return a.street === b.street && a.city === b.city && a.postCode === b.postCode;
  return a === b;
}

function auditValue(value: ProfileChange['value'] | null): string | boolean | null {
  if (typeof value === 'object' && value !== null) return formatPostalAddress(value);
  return value;
}
