import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { campaignEvidenceCsv, campaignResults } from '../../domain/campaigns/campaign-results.ts';
import {
  cancelCampaign,
  CampaignError,
  campaignInputSchema,
  createCampaign,
  getCampaign,
  launchCampaign,
  listCampaignOfferings,
  listCampaigns,
  pauseCampaign,
  previewSegment,
  resumeCampaign,
  type CampaignSettings,
} from '../../domain/campaigns/campaigns.service.ts';
import { variantSchema } from '../../domain/campaigns/messages.ts';
import { segmentSchema } from '../../domain/campaigns/segment.ts';
import { cachedAssociationTable, recommendForCustomer } from '../../domain/recommendations/recommendation.service.ts';
import { currentChurnRisk, listChurnScores } from '../../domain/churn/churn.service.ts';
import { marketingProgramSchema } from '../../domain/contact-policy/consent.service.ts';
import { AppError } from '../../lib/errors.ts';
import { currentStaff, requireStaff } from '../staff-auth/index.ts';

// The marketer console's server routes (/console/api/marketing/...) and the churn and
// recommendation look-ups staff use on a customer (/console/api/customers/:id/...). Marketers
// and admins build and run campaigns; supervisors may watch them; agents see a customer's churn
// risk and recommendations but never a campaign.

export interface MarketingRoutesOptions {
  prisma: PrismaClient;
  campaigns: CampaignSettings;
  attributionDays: number;
  /** Queues a campaign's dispatch pass (at `at` when scheduled). */
  dispatch(campaignId: string, round: number, at?: Date): Promise<void>;
}

const RUN = ['marketer', 'admin'] as const;
const WATCH = ['marketer', 'admin', 'supervisor'] as const;
const CUSTOMER_VIEW = ['agent', 'supervisor', 'marketer', 'admin'] as const;

const previewSchema = z.object({
  segment: segmentSchema,
  variants: z.array(variantSchema).min(1).max(4),
  offerCode: z.string().regex(/^[A-Z0-9-]{2,40}$/).optional(),
  holdoutPercent: z.number().int().min(0).max(50).default(10),
  program: marketingProgramSchema.default('offers'),
});
const launchSchema = z.object({ scheduledAt: z.iso.datetime().optional() });

export function marketingRoutes(options: MarketingRoutesOptions): Router {
  const { prisma } = options;
  const router = Router();
  const json = express.json({ limit: '64kb' });
  const associations = cachedAssociationTable(prisma);
  const campaignId = (req: Request) => z.uuid().parse(req.params['id'], { error: () => 'campaign id must be a UUID' });
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new AppError('invalid_request', 'invalid_campaign', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
    return parsed.data;
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CampaignError) {
        const type = error.code === 'campaign_not_found' ? 'not_found' : error.code === 'campaign_state' ? 'conflict' : 'invalid_request';
        throw new AppError(type, error.code, error.message);
      }
      if (error instanceof z.ZodError) throw new AppError('invalid_request', 'invalid_campaign', error.issues.map((issue) => issue.message).join('; '));
      throw error;
    }
  };

  router.get('/console/api/marketing/campaigns', requireStaff(...WATCH), async (_req, res) => {
    res.json({ campaigns: await listCampaigns(prisma) });
  });

  router.get('/console/api/marketing/offerings', requireStaff(...WATCH), async (_req, res) => {
    res.json({ offerings: await listCampaignOfferings(prisma) });
  });

  router.post('/console/api/marketing/preview', json, requireStaff(...RUN), async (req, res) => {
    const input = parse(previewSchema, req.body);
    res.json(await guarded(() => previewSegment(prisma, input, options.campaigns, new Date())));
  });

  router.post('/console/api/marketing/campaigns', json, requireStaff(...RUN), async (req, res) => {
    const input = parse(campaignInputSchema, req.body);
    const campaign = await guarded(() => createCampaign(prisma, input, options.campaigns, currentStaff(res).id));
    res.status(201).json({ campaign });
  });

  router.get('/console/api/marketing/campaigns/:id', requireStaff(...WATCH), async (req, res) => {
    const id = await guarded(async () => campaignId(req));
    const campaign = await guarded(() => getCampaign(prisma, id));
    res.json({ campaign, results: await campaignResults(prisma, id, options.attributionDays) });
  });

  router.post('/console/api/marketing/campaigns/:id/launch', json, requireStaff(...RUN), async (req, res) => {
    const id = await guarded(async () => campaignId(req));
    const { scheduledAt } = parse(launchSchema, req.body ?? {});
    const at = scheduledAt ? new Date(scheduledAt) : undefined;
    const campaign = await guarded(() => launchCampaign(prisma, id, currentStaff(res).id, new Date(), at));
    await options.dispatch(id, campaign.dispatchRound, at);
    res.json({ campaign });
  });

  router.post('/console/api/marketing/campaigns/:id/pause', requireStaff(...RUN), async (req, res) => {
    const id = await guarded(async () => campaignId(req));
    res.json({ campaign: await guarded(() => pauseCampaign(prisma, id, currentStaff(res).id, new Date())) });
  });

  router.post('/console/api/marketing/campaigns/:id/resume', requireStaff(...RUN), async (req, res) => {
    const id = await guarded(async () => campaignId(req));
    const campaign = await guarded(() => resumeCampaign(prisma, id, currentStaff(res).id));
    await options.dispatch(id, campaign.dispatchRound);
    res.json({ campaign });
  });

  router.post('/console/api/marketing/campaigns/:id/cancel', requireStaff(...RUN), async (req, res) => {
    const id = await guarded(async () => campaignId(req));
    res.json({ campaign: await guarded(() => cancelCampaign(prisma, id, currentStaff(res).id, new Date())) });
  });

  router.get('/console/api/marketing/campaigns/:id/evidence.csv', requireStaff(...WATCH), async (req, res) => {
    const id = await guarded(async () => campaignId(req));
    await guarded(() => getCampaign(prisma, id));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="campaign-${id}-evidence.csv"`);
    for await (const chunk of campaignEvidenceCsv(prisma, id)) res.write(chunk);
    res.end();
  });

  router.get('/console/api/customers/:id/churn', requireStaff(...CUSTOMER_VIEW), async (req, res) => {
    const id = await guarded(async () => z.uuid().parse(req.params['id']));
    res.json({ current: await currentChurnRisk(prisma, id), history: await listChurnScores(prisma, id) });
  });

  router.get('/console/api/customers/:id/recommendations', requireStaff(...CUSTOMER_VIEW), async (req, res) => {
    const id = await guarded(async () => z.uuid().parse(req.params['id']));
    const now = new Date();
    const recommendation = await recommendForCustomer(prisma, id, { now, table: await associations.get(now) });
    if (!recommendation) throw new AppError('not_found', 'customer_not_found', 'No customer with this id.');
    res.json(recommendation);
  });

  return router;
}
