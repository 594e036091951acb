import { createHash } from 'node:crypto';
import { extractFeatures, FEATURE_NAMES, type ChurnFeatures, type ChurnHistory } from './churn-features.ts';

// A seeded synthetic customer base for validating the churn model offline. Each customer gets a
// history up to T (faults, bills, disputes, messages, contract, arrears...), then churns within
// T..T+90 days with a probability set by the TRUE drivers below plus an unobserved trait (price
// sensitivity) the model cannot see, so no model reaches an AUC of 1. Everything depends only on
// the seed. The true weights are known, so tests can check the model finds the drivers.

const DAY_MS = 86_400_000;
export const SYNTHETIC_T = new Date('2026-06-01T00:00:00Z');

/** The true log-odds of churning in the next 90 days, per feature (what the generator uses). */
export const TRUE_DRIVERS: Partial<Record<keyof ChurnFeatures, number>> = {
  repeatFaults90: 0.7,
  slaBreaches90: 0.8,
  billShock: 1.6,
  disputes90: 0.5,
  cancelIntent90: 1.5,
  competitorMentions90: 1.2,
  contractEnding60: 1.1,
  newCustomer: 0.6,
  arrears: 0.8,
  downgrades90: 0.6,
  orderFailures90: 0.5,
};
const TRUE_INTERCEPT = -3.7;
/** Weight of the unobserved trait (standard normal). */
const HIDDEN_WEIGHT = 0.8;

export interface SyntheticCustomer {
  id: string;
  history: ChurnHistory;
  features: ChurnFeatures;
  /** The generator's probability (the truth the model estimates). */
  trueProbability: number;
  churned: boolean;
  /** When, within T..T+90 days, if churned. */
  churnedAt: Date | null;
}

/** A deterministic generator of numbers in [0, 1) from a string seed (sfc32 seeded by SHA-256). */
export function seededRandom(seed: string): () => number {
  const digest = createHash('sha256').update(seed).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export function generatePopulation(seed: string, size: number): SyntheticCustomer[] {
  const random = seededRandom(seed);
  const customers: SyntheticCustomer[] = [];
  for (let index = 0; index < size; index++) customers.push(generateCustomer(`${seed}-${index}`, random));
  return customers;
}

const SERVICES = ['internet', 'mobile', 'tv', 'landline'];

function generateCustomer(id: string, random: () => number): SyntheticCustomer {
  const at = SYNTHETIC_T;
  const daysAgo = (days: number) => new Date(at.getTime() - days * DAY_MS);
  const poisson = (lambda: number) => {
    let k = 0;
    let p = Math.exp(-lambda);
    let sum = p;
    const u = random();
    while (u > sum && k < 20) {
      k++;
      p *= lambda / k;
      sum += p;
    }
    return k;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };

  const tenureDays = 30 + random() * 3600;
  // A customer on a bad line has several faults on one service; others the odd one.
  const badLine = random() < 0.15;
  const worstService = pick(SERVICES);
  const faultCount = badLine ? 1 + poisson(2.2) : poisson(0.25);
  const faults = Array.from({ length: faultCount }, () => {
    const openedDaysAgo = badLine ? random() * 85 : random() * 170;
    return {
      serviceType: badLine || random() < 0.5 ? worstService : pick(SERVICES),
      openedAt: daysAgo(openedDaysAgo),
      reopenCount: random() < 0.2 ? 1 : 0,
      slaBreachedAt: random() < (badLine ? 0.35 : 0.1) ? daysAgo(Math.max(0, openedDaysAgo - 2)) : null,
    };
  });
  const baseBill = 40 + random() * 160;
  const shocked = random() < 0.12;
  const bills = [4, 3, 2, 1].map((monthsAgo) => ({
    billDate: daysAgo(monthsAgo * 30 - 5),
    amount: monthsAgo === 1 && shocked ? baseBill * (1.25 + random() * 0.75) : baseBill * (0.95 + random() * 0.1),
  }));
  const disputes = Array.from({ length: poisson(shocked ? 0.9 : 0.08) }, () => ({ at: daysAgo(random() * 25) }));
  // Unhappy customers say so: more messages, some naming a rival or asking to cancel.
  const unhappy = badLine || shocked ? 1 : 0;
  const messages: Array<{ at: Date; text: string }> = [];
  const messageCount = poisson(0.8 + 1.5 * faultCount + unhappy);
  for (let m = 0; m < messageCount; m++) {
    const roll = random();
    const text = roll < 0.03 + 0.05 * unhappy ? 'thinking of switching to verizon honestly' : roll < 0.06 + 0.08 * unhappy ? 'how do I cancel my account' : pick(['my internet is down again', 'what do I owe', 'where is my order', 'thanks']);
    messages.push({ at: daysAgo(random() * 60), text });
  }
  const cancelIntents = random() < 0.03 + 0.06 * unhappy ? [{ at: daysAgo(random() * 80) }] : [];
  const contractEnds = random() < 0.45 ? [new Date(at.getTime() + (-200 + random() * 900) * DAY_MS)] : [];
  const history: ChurnHistory = {
    at,
    customerSince: daysAgo(tenureDays),
    faults,
    bills,
    disputes,
    cancelIntents,
    inboundMessages: messages,
    contractEnds,
    overdueBills: random() < 0.07 ? 1 : 0,
    downgrades: random() < 0.06 ? [{ at: daysAgo(random() * 80) }] : [],
    failedOrders: random() < 0.04 ? [{ at: daysAgo(random() * 80) }] : [],
  };
  const features = extractFeatures(history);
  let logit = TRUE_INTERCEPT + HIDDEN_WEIGHT * normal();
  for (const name of FEATURE_NAMES) logit += (TRUE_DRIVERS[name] ?? 0) * features[name];
  const trueProbability = 1 / (1 + Math.exp(-logit));
  const churned = random() < trueProbability;
  return { id, history, features, trueProbability, churned, churnedAt: churned ? new Date(at.getTime() + (1 + random() * 89) * DAY_MS) : null };
}
