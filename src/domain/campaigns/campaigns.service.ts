import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Prisma, type CampaignStatus, type PrismaClient } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { marketingProgramSchema } from '../contact-policy/consent.service.ts';
import { locateRecipient } from '../contact-policy/local-window.ts';
import { decideMarketingSend, type GateDecision, type GatePolicy } from '../contact-policy/marketing-gate.ts';
import { storeCustomerNotification, type StoredNotification } from '../notifications/notifications.service.ts';
import { assignGroup, renderMessage, unknownPlaceholders, variantSchema, type Variant } from './messages.ts';
import { countSegment, segmentPage, segmentSchema, type Segment, type SegmentMember } from './segment.ts';

// Campaigns: defined (segment, variants, offer, holdout), previewed, launched (now or at a time),
// paused, resumed and cancelled; each message passes the compliance gate in the transaction that
// stores it; results are counted from the contact log, orders and consent, per variant and
// against the holdout.

export class CampaignError extends Error {
  constructor(
    readonly code: 'campaign_not_found' | 'campaign_invalid' | 'campaign_state' | 'offer_not_found',
    message: string,
  ) {
    super(message);
    this.name = 'CampaignError';
  }
}

export const campaignInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  subject: z.string().trim().min(1).max(60).default('offers'),
  /** The marketing program whose consent recipients need. */
  program: marketingProgramSchema.default('offers'),
  segment: segmentSchema,
  variants: z.array(variantSchema).min(1).max(4),
  offerCode: z.string().regex(/^[A-Z0-9-]{2,40}$/).optional(),
  holdoutPercent: z.number().int().min(0).max(50).default(10),
  seed: z.string().min(1).max(60).optional(),
});
export type CampaignInput = z.input<typeof campaignInputSchema>;

export interface CampaignSettings {
  operatorName: string;
  /** The number campaigns are sent from. */
  senderAddress: string;
}

const variantsSchema = z.array(variantSchema);

export async function createCampaign(db: DbClient, input: CampaignInput, settings: CampaignSettings, createdBy: string | null) {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) throw new CampaignError('campaign_invalid', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const data = parsed.data;
  const keys = data.variants.map((variant) => variant.key);
  if (new Set(keys).size !== keys.length) throw new CampaignError('campaign_invalid', 'variant keys must differ');
  checkTemplates(data.variants, data.offerCode);
  if (data.offerCode && !(await db.productOffering.findUnique({ where: { code: data.offerCode } }))) throw new CampaignError('offer_not_found', `no offering ${data.offerCode}`);
  const campaign = await db.campaign.create({
    data: {
      name: data.name,
      subject: data.subject,
      program: data.program,
      segment: json(data.segment),
      variants: json(data.variants),
      offerCode: data.offerCode ?? null,
      holdoutPercent: data.holdoutPercent,
      seed: data.seed ?? randomUUID(),
      senderAddress: settings.senderAddress,
      createdBy,
    },
  });
  await recordAuditEvent(db, { actorType: 'staff', actorId: createdBy ?? undefined, action: 'campaign.create', entityType: 'campaign', entityId: campaign.id, details: { name: data.name } });
  return campaign;
}

/** Refuses templates that would read wrong: an unknown placeholder, or a price with no offer to take it from. */
function checkTemplates(variants: readonly Variant[], offerCode: string | null | undefined): void {
  const unknown = [...new Set(variants.flatMap((variant) => unknownPlaceholders(variant.template)))];
  if (unknown.length > 0) throw new CampaignError('campaign_invalid', `unknown placeholders: ${unknown.join(', ')}`);
  if (!offerCode && variants.some((variant) => variant.template.includes('{offerPrice}'))) throw new CampaignError('campaign_invalid', '{offerPrice} needs an offer: choose one from the catalog');
}

export async function getCampaign(db: DbClient, campaignId: string) {
  const campaign = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!campaign) throw new CampaignError('campaign_not_found', 'no such campaign');
  return { ...campaign, segment: segmentSchema.parse(campaign.segment), variants: variantsSchema.parse(campaign.variants) };
}

/** The latest 100 campaigns, each with how many of its recipients are in each state (its progress). */
export async function listCampaigns(db: DbClient) {
  const campaigns = await db.campaign.findMany({
    orderBy: { createdAt: 'desc' },
    take: 100,
    select: { id: true, name: true, status: true, program: true, audienceSize: true, createdAt: true, scheduledAt: true, startedAt: true, completedAt: true, offerCode: true },
  });
  const counts = await db.campaignRecipient.groupBy({ by: ['campaignId', 'status'], where: { campaignId: { in: campaigns.map((campaign) => campaign.id) } }, _count: { _all: true } });
  return campaigns.map((campaign) => {
    const progress = { pending: 0, sent: 0, held: 0, holdout: 0, cancelled: 0 };
    for (const row of counts) if (row.campaignId === campaign.id) progress[row.status] = row._count._all;
    return { ...campaign, progress };
  });
}

/** Offerings a campaign may promote: the catalog's active ones, add-ons first. */
export async function listCampaignOfferings(db: DbClient) {
  const offerings = await db.productOffering.findMany({
    where: { lifecycleStatus: 'active' },
    orderBy: [{ isAddOn: 'desc' }, { serviceType: 'asc' }, { recurringPrice: 'asc' }],
    select: { code: true, name: true, serviceType: true, isAddOn: true, recurringPrice: true, currency: true },
  });
  return offerings.map((offering) => ({ ...offering, recurringPrice: offering.recurringPrice.toFixed(2) }));
}

/** Audience size (and how many have marketing consent), and a few messages as they would read. */
export async function previewSegment(
  db: DbClient,
  input: { segment: Segment; variants: Variant[]; offerCode?: string | undefined; holdoutPercent: number; program: string; seed?: string },
  settings: CampaignSettings,
  now: Date,
) {
  checkTemplates(input.variants, input.offerCode);
  const counts = await countSegment(db, input.segment, input.program, now);
  const sample = await segmentPage(db, input.segment, null, 5, now);
  const offer = await offerValues(db, input.offerCode);
  const seed = input.seed ?? 'preview';
  return {
    ...counts,
    expectedHoldout: Math.round((counts.audience * input.holdoutPercent) / 100),
    samples: sample.map((member) => {
      const group = assignGroup(seed, member.customerId, input.holdoutPercent, input.variants);
      const variant = input.variants.find((candidate) => candidate.key === group.variant) ?? input.variants[0];
      return {
        customerId: member.customerId,
        variant: group.variant,
        holdout: group.holdout,
        text: variant ? renderMessage(variant.template, { firstName: member.givenName, ...offer, operatorName: settings.operatorName }) : '',
      };
    }),
  };
}

async function offerValues(db: DbClient, offerCode: string | null | undefined): Promise<{ offerName: string; offerPrice: string }> {
  const offering = offerCode ? await db.productOffering.findUnique({ where: { code: offerCode } }) : null;
  return offering ? { offerName: offering.name, offerPrice: `$${offering.recurringPrice.toFixed(2)}/mo` } : { offerName: 'our latest offer', offerPrice: '' };
}

/** Launches now (status running) or at `scheduledAt` (scheduled); returns the dispatch round to queue. */
export async function launchCampaign(db: DbClient, campaignId: string, actor: string | null, now: Date, scheduledAt?: Date) {
  const future = scheduledAt && scheduledAt.getTime() > now.getTime();
  return transition(db, campaignId, ['draft'], actor, 'campaign.launch', {
    status: future ? 'scheduled' : 'running',
    scheduledAt: scheduledAt ?? null,
    startedAt: future ? null : now,
    dispatchRound: { increment: 1 },
  });
}

export async function pauseCampaign(db: DbClient, campaignId: string, actor: string | null, now: Date) {
  return transition(db, campaignId, ['running', 'scheduled'], actor, 'campaign.pause', { status: 'paused', pausedAt: now });
}

export async function resumeCampaign(db: DbClient, campaignId: string, actor: string | null) {
  return transition(db, campaignId, ['paused'], actor, 'campaign.resume', { status: 'running', pausedAt: null, dispatchRound: { increment: 1 } });
}

/** Cancels: nothing more is sent; recipients still waiting are marked cancelled. */
export async function cancelCampaign(db: DbClient, campaignId: string, actor: string | null, now: Date) {
  const campaign = await transition(db, campaignId, ['draft', 'scheduled', 'running', 'paused'], actor, 'campaign.cancel', { status: 'cancelled', cancelledAt: now });
  await db.campaignRecipient.updateMany({ where: { campaignId, status: 'pending' }, data: { status: 'cancelled' } });
  return campaign;
}

async function transition(db: DbClient, campaignId: string, from: CampaignStatus[], actor: string | null, action: string, data: Prisma.CampaignUpdateManyMutationInput) {
  const { count } = await db.campaign.updateMany({ where: { id: campaignId, status: { in: from } }, data });
  const campaign = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!campaign) throw new CampaignError('campaign_not_found', 'no such campaign');
  if (count === 0) throw new CampaignError('campaign_state', `the campaign is ${campaign.status}; ${action.replace('campaign.', '')} needs ${from.join(' or ')}`);
  await recordAuditEvent(db, { actorType: actor ? 'staff' : 'system', actorId: actor ?? undefined, action, entityType: 'campaign', entityId: campaignId, details: { status: campaign.status } });
  return campaign;
}

/**
 * One page of a dispatch pass. The first pass streams the segment and freezes it into recipient rows
 * (variant and holdout fixed by the seed); later rounds (after a resume) stream the recipients
 * still pending. Returns the customers to queue sends for, and where the next page starts; null
 * `next` when the pass is done. A campaign no longer running stops the pass.
 */
export async function dispatchPage(db: DbClient, campaignId: string, round: number, afterId: string | null, limit: number, now: Date): Promise<{ customerIds: string[]; next: string | null; stopped: boolean }> {
  const campaign = await getCampaign(db, campaignId);
  if (campaign.status === 'scheduled' && round === campaign.dispatchRound) {
    await db.campaign.updateMany({ where: { id: campaignId, status: 'scheduled' }, data: { status: 'running', startedAt: now } });
  } else if (campaign.status !== 'running' || round !== campaign.dispatchRound) {
    return { customerIds: [], next: null, stopped: true };
  }
  // The first pass freezes the audience (also after a pause that came before it ever ran).
  if (round === 1 || campaign.audienceSize === 0) {
    const members = await segmentPage(db, campaign.segment, afterId, limit, now);
    if (members.length > 0) await freezeRecipients(db, campaign, members);
    const last = members.at(-1)?.customerId ?? null;
    // This page's pending recipients, by its id range (a list of a thousand ids would be a query shape of its own).
    const pending = last
      ? await db.campaignRecipient.findMany({
          where: { campaignId, status: 'pending', customerId: { ...(afterId ? { gt: afterId } : {}), lte: last } },
          select: { customerId: true },
          orderBy: { customerId: 'asc' },
        })
      : [];
    if (members.length < limit) await db.campaign.update({ where: { id: campaignId }, data: { audienceSize: await db.campaignRecipient.count({ where: { campaignId } }) } });
    return { customerIds: pending.map((row) => row.customerId), next: members.length < limit ? null : last, stopped: false };
  }
  const pending = await db.campaignRecipient.findMany({
    where: { campaignId, status: 'pending', ...(afterId ? { customerId: { gt: afterId } } : {}) },
    orderBy: { customerId: 'asc' },
    take: limit,
    select: { customerId: true },
  });
  return { customerIds: pending.map((row) => row.customerId), next: pending.length < limit ? null : (pending.at(-1)?.customerId ?? null), stopped: false };
}

/**
 * Writes one page of the audience as recipient rows (variant and holdout fixed by the seed), once
 * each. One INSERT over five array parameters: Prisma's createMany of a thousand rows kept about
 * 2-4 MB of heap per call that no collection returned (a worker dispatching 100,000 recipients
 * grew by hundreds of MB); this statement has one shape whatever the page holds.
 */
async function freezeRecipients(db: DbClient, campaign: { id: string; seed: string; holdoutPercent: number; variants: Variant[] }, members: SegmentMember[]): Promise<void> {
  const groups = members.map((member) => assignGroup(campaign.seed, member.customerId, campaign.holdoutPercent, campaign.variants));
  await db.$executeRaw`
    INSERT INTO "CampaignRecipient" ("id", "campaignId", "customerId", "address", "variant", "status", "createdAt", "updatedAt")
    SELECT r."id", ${campaign.id}, r."customerId", r."address", r."variant", r."status"::"CampaignRecipientStatus", now(), now()
    FROM unnest(${members.map(() => randomUUID())}::text[], ${members.map((member) => member.customerId)}::text[], ${members.map((member) => member.phoneNumber)}::text[],
      ${groups.map((group) => group.variant)}::text[], ${groups.map((group) => (group.holdout ? 'holdout' : 'pending'))}::text[]) AS r("id", "customerId", "address", "variant", "status")
    ON CONFLICT ("campaignId", "customerId") DO NOTHING`;
}

export type SendOutcome =
  | { outcome: 'sent'; stored: StoredNotification; decision: GateDecision }
  | { outcome: 'deferred'; until: Date; decision: GateDecision }
  | { outcome: 'held'; reason: string; decision: GateDecision }
  | { outcome: 'skipped'; reason: 'not-pending' | 'paused' | 'cancelled' | 'not-running' };

export interface SendPolicy extends GatePolicy {
  operatorName: string;
  suppressSlaBreachDays: number;
}

const lockedRecipient = z.array(z.object({ id: z.string(), status: z.string(), address: z.string(), variant: z.string() }));

/**
 * The gate and the send of one campaign message, in one transaction: the recipient row is locked
 * (a second job for the same recipient waits, then finds it no longer pending), the customer row
 * too (caps hold across campaigns), the campaign's state re-read (pause and cancel take effect at
 * the next message), every fact read, the decision stored as evidence, and a sent message stored
 * as a pending outbound SMS. The caller hands it to delivery after the commit.
 */
export async function sendCampaignMessage(prisma: PrismaClient, campaignId: string, customerId: string, policy: SendPolicy, now: Date): Promise<SendOutcome> {
  return prisma.$transaction(async (tx): Promise<SendOutcome> => {
    const [recipient] = lockedRecipient.parse(
      await tx.$queryRaw`SELECT "id", "status"::text AS "status", "address", "variant" FROM "CampaignRecipient" WHERE "campaignId" = ${campaignId} AND "customerId" = ${customerId} FOR UPDATE`,
    );
    if (!recipient || recipient.status !== 'pending') return { outcome: 'skipped', reason: 'not-pending' };
    const campaign = await tx.campaign.findUniqueOrThrow({ where: { id: campaignId } });
    if (campaign.status === 'paused') return { outcome: 'skipped', reason: 'paused' };
    if (campaign.status === 'cancelled') {
      await tx.campaignRecipient.update({ where: { id: recipient.id }, data: { status: 'cancelled' } });
      return { outcome: 'skipped', reason: 'cancelled' };
    }
    if (campaign.status !== 'running') return { outcome: 'skipped', reason: 'not-running' };
    await tx.$queryRaw`SELECT "id" FROM "Customer" WHERE "id" = ${customerId} FOR UPDATE`;

    const address = recipient.address;
    const capSince = new Date(now.getTime() - policy.frequencyCap.days * 86_400_000);
    const [customer, consents, programConsent, sentInCapWindow, subjectSends, openFaults, recentSlaBreaches, openDisputes] = await Promise.all([
      tx.customer.findUniqueOrThrow({ where: { id: customerId }, select: { status: true, serviceArea: true, contactMedia: { where: { mediumType: 'postalAddress' }, select: { postCode: true } } } }),
      tx.consent.findMany({ where: { channel: 'sms', address }, select: { purpose: true, status: true } }),
      tx.programConsent.findUnique({ where: { channel_address_program: { channel: 'sms', address, program: campaign.program } }, select: { status: true } }),
      tx.campaignRecipient.count({ where: { customerId, status: 'sent', sentAt: { gte: capSince } } }),
      tx.campaignRecipient.findMany({ where: { customerId, status: 'sent', sentAt: { gte: new Date(now.getTime() - 86_400_000) }, campaign: { subject: campaign.subject } }, select: { sentAt: true } }),
      tx.troubleTicket.count({ where: { customerId, ticketType: 'fault', status: { in: ['acknowledged', 'pending', 'held', 'inProgress'] } } }),
      tx.troubleTicket.count({ where: { customerId, slaBreachedAt: { gte: new Date(now.getTime() - policy.suppressSlaBreachDays * 86_400_000) } } }),
      tx.billAdjustment.count({ where: { customerId, status: 'pending' } }),
    ]);
    // A revoked general marketing consent overrides every program; otherwise the program's own counts.
    const general = consents.find((consent) => consent.purpose === 'marketing')?.status ?? null;
    const marketing = general === 'revoked' ? 'revoked' : (programConsent?.status ?? null);
    const decision = decideMarketingSend(
      {
        now,
        program: campaign.program,
        marketingConsent: marketing,
        optedOut: consents.some((consent) => consent.purpose === 'service' && consent.status === 'revoked'),
        customerActive: customer.status === 'active',
        location: locateRecipient([customer.serviceArea, ...customer.contactMedia.map((medium) => medium.postCode)], address),
        sentInCapWindow,
        subjectSendTimes: subjectSends.flatMap((row) => (row.sentAt ? [row.sentAt] : [])),
        openFaults,
        recentSlaBreaches,
        openDisputes,
      },
      policy,
    );
    await tx.campaignDecision.create({
      data: { campaignId, customerId, recipientId: recipient.id, outcome: decision.outcome, checks: json(decision.checks), timeZones: decision.timeZones, decidedAt: now },
    });
    if (decision.outcome === 'held') {
      await tx.campaignRecipient.update({ where: { id: recipient.id }, data: { status: 'held', heldReason: decision.reason } });
      return { outcome: 'held', reason: decision.reason, decision };
    }
    if (decision.outcome === 'deferred') return { outcome: 'deferred', until: decision.until, decision };
    const variants = variantsSchema.parse(campaign.variants);
    const variant = variants.find((candidate) => candidate.key === recipient.variant) ?? variants[0];
    const givenName = (await tx.customer.findUniqueOrThrow({ where: { id: customerId }, select: { givenName: true } })).givenName;
    const text = renderMessage(variant?.template ?? '', { firstName: givenName, ...(await offerValues(tx, campaign.offerCode)), operatorName: policy.operatorName });
    const stored = await storeCustomerNotification(tx, campaign.senderAddress, {
      customerId,
      text,
      reason: `campaign:${campaignId}:${recipient.variant}`,
      idempotencyKey: `campaign-${campaignId}-${customerId}`,
      phone: address,
      // Delivered only while the recipient's window is open: after it, Twilio drops it and we do not send it.
      validUntil: new Date(now.getTime() + decision.validityMinutes * 60_000),
    });
    if (!stored) {
      await tx.campaignRecipient.update({ where: { id: recipient.id }, data: { status: 'held', heldReason: 'no-phone' } });
      return { outcome: 'held', reason: 'no-phone', decision };
    }
    await tx.campaignRecipient.update({ where: { id: recipient.id }, data: { status: 'sent', sentAt: now, interactionId: stored.id } });
    return { outcome: 'sent', stored, decision };
  });
}

/** Marks a running campaign completed when no recipient is left pending. */
export async function completeIfDone(db: DbClient, campaignId: string, now: Date): Promise<boolean> {
  // Any one pending row will do: counting them all after every send grows with the audience.
  const pending = await db.campaignRecipient.findFirst({ where: { campaignId, status: 'pending' }, select: { id: true } });
  if (pending) return false;
  const campaign = await db.campaign.findUnique({ where: { id: campaignId }, select: { status: true, audienceSize: true } });
  if (!campaign || campaign.status !== 'running' || campaign.audienceSize === 0) return false;
  const { count } = await db.campaign.updateMany({ where: { id: campaignId, status: 'running' }, data: { status: 'completed', completedAt: now } });
  return count > 0;
}

/** CAMPAIGN_ATTRIBUTION_DAYS' default. */
export const DEFAULT_ATTRIBUTION_DAYS = 7;

/** The campaign offer a customer's "yes" answers: the latest campaign message with an offer, within the attribution window. */
export async function findCampaignOffer(db: DbClient, customerId: string, now: Date, attributionDays: number): Promise<{ campaignId: string; variant: string; offerCode: string } | null> {
  const recipient = await db.campaignRecipient.findFirst({
    where: { customerId, status: 'sent', sentAt: { gte: new Date(now.getTime() - attributionDays * 86_400_000), lte: now }, campaign: { offerCode: { not: null } } },
    orderBy: { sentAt: 'desc' },
    select: { campaignId: true, variant: true, campaign: { select: { offerCode: true } } },
  });
  if (!recipient?.campaign.offerCode) return null;
  return { campaignId: recipient.campaignId, variant: recipient.variant, offerCode: recipient.campaign.offerCode };
}

function json(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value));
}
