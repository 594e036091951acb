import type { z } from 'zod';
import {
  campaignDetailResponseSchema,
  campaignListResponseSchema,
  campaignResponseSchema,
  MARKETING_API_BASE,
  offeringsResponseSchema,
  previewResponseSchema,
  type CampaignStatusName,
} from '../../../marketing-api-schemas.ts';
import { api } from '../api.ts';

// The marketing API as the marketer console calls it: one function per route, each answer parsed
// with the schema in src/http/console/marketing-api-schemas.ts.

export type ChurnBand = 'low' | 'medium' | 'high';

/** What the builder sends (the server's segmentSchema and campaignInputSchema decide what is valid). */
export interface SegmentDraft {
  productsHeld: string[];
  productsNotHeld: string[];
  churnBands: ChurnBand[];
  regions: string[];
  minTenureMonths?: number;
  maxTenureMonths?: number;
  contractEndsWithinDays?: number;
  contactedWithinDays?: number;
  noContactForDays?: number;
  channel?: 'sms' | 'webchat' | 'voice';
}

export interface VariantDraft {
  key: string;
  template: string;
  weight: number;
}

export interface CampaignDraft {
  name: string;
  program: string;
  segment: SegmentDraft;
  variants: VariantDraft[];
  offerCode?: string;
  holdoutPercent: number;
}

function get<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  return api(`${MARKETING_API_BASE}${path}`, schema, { signal });
}

function post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  return api(`${MARKETING_API_BASE}${path}`, schema, { method: 'POST', body });
}

const campaignPath = (id: string) => `/campaigns/${encodeURIComponent(id)}`;

export const marketingKeys = {
  all: ['console', 'data', 'marketing'] as const,
  campaigns: ['console', 'data', 'marketing', 'campaigns'] as const,
  campaign: (id: string) => ['console', 'data', 'marketing', 'campaign', id] as const,
  offerings: ['console', 'data', 'marketing', 'offerings'] as const,
  preview: (draft: unknown) => ['console', 'data', 'marketing', 'preview', draft] as const,
};

export const marketingApi = {
  campaigns: (signal?: AbortSignal) => get('/campaigns', campaignListResponseSchema, signal),
  campaign: (id: string, signal?: AbortSignal) => get(campaignPath(id), campaignDetailResponseSchema, signal),
  offerings: (signal?: AbortSignal) => get('/offerings', offeringsResponseSchema, signal),
  preview: (draft: Omit<CampaignDraft, 'name'>) => post('/preview', draft, previewResponseSchema),
  create: (draft: CampaignDraft) => post('/campaigns', draft, campaignResponseSchema),
  launch: (id: string, scheduledAt?: string) => post(`${campaignPath(id)}/launch`, scheduledAt ? { scheduledAt } : {}, campaignResponseSchema),
  pause: (id: string) => post(`${campaignPath(id)}/pause`, {}, campaignResponseSchema),
  resume: (id: string) => post(`${campaignPath(id)}/resume`, {}, campaignResponseSchema),
  cancel: (id: string) => post(`${campaignPath(id)}/cancel`, {}, campaignResponseSchema),
  evidenceUrl: (id: string) => `${MARKETING_API_BASE}${campaignPath(id)}/evidence.csv`,
};

export const STATUS_COLORS: Record<CampaignStatusName, string> = {
  draft: 'gray',
  scheduled: 'violet',
  running: 'blue',
  paused: 'orange',
  cancelled: 'red',
  completed: 'teal',
};

/** Campaigns still moving: their screens poll for progress. */
export const isActive = (status: CampaignStatusName) => status === 'running' || status === 'scheduled';

export const HELD_REASON_LABELS: Record<string, string> = {
  consent: 'No consent to the program',
  customer: 'Customer not active',
  suppression: 'Open fault, SLA breach or dispute',
  'frequency-cap': 'Frequency cap reached',
  'local-window': 'Outside the local window',
  'no-phone': 'No phone number',
};

export const PROGRAMS = [
  { value: 'offers', label: 'Offers (cross-sell)' },
  { value: 'retention', label: 'Retention (loyalty, renewals)' },
];
