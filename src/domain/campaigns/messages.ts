import { createHash } from 'node:crypto';
import { z } from 'zod';

// What a campaign says and to whom: A/B variants of a template with personalisation, and a seeded
// random holdout (a control group never messaged), both fixed per customer by a hash of the
// campaign's seed, so a relaunch or a crash never moves anyone between groups.

export const variantSchema = z.object({
  key: z.string().regex(/^[A-Z]$/, 'a capital letter: A, B, ...'),
  template: z.string().min(1).max(300),
  weight: z.number().int().min(1).max(100).default(50),
});
export type Variant = z.output<typeof variantSchema>;

/** Placeholders a template may use. */
export const PLACEHOLDERS = ['firstName', 'offerName', 'offerPrice', 'operatorName'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** Always appended: how to stop (carriers and the law expect it in every marketing text). */
export const OPT_OUT_FOOTER = 'Reply STOP to opt out.';

export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').filter((name) => !PLACEHOLDERS.some((known) => known === name));
}

export function renderMessage(template: string, values: Record<Placeholder, string>): string {
  const body = template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const known = PLACEHOLDERS.find((placeholder) => placeholder === name);
    return known ? values[known] : whole;
  });
  return `${body.trim()} ${OPT_OUT_FOOTER}`;
}

/** A number in [0, 1) fixed by the seed and the customer. */
function unitHash(seed: string, customerId: string, purpose: string): number {
  return createHash('sha256').update(`${seed}:${purpose}:${customerId}`).digest().readUInt32BE(0) / 4294967296;
}

/** Holdout or a variant, fixed per customer for this seed. */
export function assignGroup(seed: string, customerId: string, holdoutPercent: number, variants: readonly Variant[]): { holdout: boolean; variant: string } {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  let point = unitHash(seed, customerId, 'variant') * total;
  let chosen = variants[0]?.key ?? 'A';
  for (const variant of variants) {
    if (point < variant.weight) {
      chosen = variant.key;
      break;
    }
    point -= variant.weight;
  }
  return { holdout: unitHash(seed, customerId, 'holdout') * 100 < holdoutPercent, variant: chosen };
}
