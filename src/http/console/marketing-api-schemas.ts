import { z } from 'zod';

// The marketer console's API answers, shared by the console's browser code (src/http/console/app/
// src/marketing/) and the tests. The routes are src/http/api/marketing.routes.ts, under
// /console/api/marketing: marketers and admins run campaigns, supervisors watch. Errors are
// { error: { code, message } }: 400 invalid_campaign / campaign_invalid / offer_not_found,
// 404 campaign_not_found, 409 campaign_state.

export const MARKETING_API_BASE = '/console/api/marketing';

export const campaignStatusSchema = z.enum(['draft', 'scheduled', 'running', 'paused', 'cancelled', 'completed']);
export type CampaignStatusName = z.infer<typeof campaignStatusSchema>;

const isoDate = z.string();

/** Recipients per state: the campaign's progress. */
export const campaignProgressSchema = z.object({ pending: z.number(), sent: z.number(), held: z.number(), holdout: z.number(), cancelled: z.number() });
export type CampaignProgress = z.infer<typeof campaignProgressSchema>;

export const campaignListResponseSchema = z.object({
  campaigns: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: campaignStatusSchema,
      audienceSize: z.number(),
      createdAt: isoDate,
      scheduledAt: isoDate.nullable(),
      startedAt: isoDate.nullable(),
      completedAt: isoDate.nullable(),
      offerCode: z.string().nullable(),
      program: z.string(),
      progress: campaignProgressSchema,
    }),
  ),
});
export type CampaignListRow = z.infer<typeof campaignListResponseSchema>['campaigns'][number];

export const offeringsResponseSchema = z.object({
  offerings: z.array(z.object({ code: z.string(), name: z.string(), serviceType: z.string(), isAddOn: z.boolean(), recurringPrice: z.string(), currency: z.string() })),
});
export type CampaignOffering = z.infer<typeof offeringsResponseSchema>['offerings'][number];

export const previewResponseSchema = z.object({
  audience: z.number(),
  withMarketingConsent: z.number(),
  expectedHoldout: z.number(),
  samples: z.array(z.object({ customerId: z.string(), variant: z.string(), holdout: z.boolean(), text: z.string() })),
});
export type CampaignPreview = z.infer<typeof previewResponseSchema>;

const variantSchema = z.object({ key: z.string(), template: z.string(), weight: z.number() });

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: campaignStatusSchema,
  subject: z.string(),
  program: z.string(),
  segment: z.record(z.string(), z.unknown()),
  variants: z.array(variantSchema),
  offerCode: z.string().nullable(),
  holdoutPercent: z.number(),
  audienceSize: z.number(),
  scheduledAt: isoDate.nullable(),
  startedAt: isoDate.nullable(),
  pausedAt: isoDate.nullable(),
  cancelledAt: isoDate.nullable(),
  completedAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type CampaignDetail = z.infer<typeof campaignSchema>;

export const groupResultSchema = z.object({
  group: z.string(),
  recipients: z.number(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  held: z.number(),
  pending: z.number(),
  replied: z.number(),
  converted: z.number(),
  optedOut: z.number(),
});
export type GroupResultRow = z.infer<typeof groupResultSchema>;

export const campaignResultsSchema = z.object({
  status: z.string(),
  groups: z.array(groupResultSchema),
  uplift: z.object({ treatedRate: z.number(), holdoutRate: z.number(), difference: z.number(), low: z.number(), high: z.number() }).nullable(),
  heldReasons: z.record(z.string(), z.number()),
});
export type CampaignResultsView = z.infer<typeof campaignResultsSchema>;

export const campaignDetailResponseSchema = z.object({ campaign: campaignSchema, results: campaignResultsSchema.nullable() });
export const campaignResponseSchema = z.object({ campaign: z.object({ id: z.string(), status: campaignStatusSchema }) });
