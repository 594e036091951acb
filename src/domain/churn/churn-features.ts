// What we know about a customer at a moment T, and the churn features computed from it. Pure: the
// database loader (churn.service.ts) and the synthetic population (synthetic-population.ts) both
// produce a ChurnHistory, so the model is trained, evaluated and run on exactly the same features.

const DAY_MS = 86_400_000;

/** A customer's history up to `at` (nothing after it is looked at). */
export interface ChurnHistory {
  at: Date;
  /** First product start (or the customer record). */
  customerSince: Date;
  faults: ReadonlyArray<{ serviceType: string; openedAt: Date; reopenCount: number; slaBreachedAt: Date | null }>;
  /** Bills, any order; amounts in currency units. */
  bills: ReadonlyArray<{ billDate: Date; amount: number }>;
  /** Bill disputes and adjustments asked for. */
  disputes: ReadonlyArray<{ at: Date }>;
  /** Cancellation requests (ChurnSignal rows). */
  cancelIntents: ReadonlyArray<{ at: Date }>;
  /** What the customer wrote to us (the contact log, inbound). */
  inboundMessages: ReadonlyArray<{ at: Date; text: string }>;
  /** When each active product's commitment ends (products with one). */
  contractEnds: readonly Date[];
  /** Unpaid bills past their due date, at `at`. */
  overdueBills: number;
  /** Plan changes to a cheaper plan. */
  downgrades: ReadonlyArray<{ at: Date }>;
  /** Orders that failed or only partly completed. */
  failedOrders: ReadonlyArray<{ at: Date }>;
}

/** The model's inputs, in a fixed order. */
export const FEATURE_NAMES = [
  'repeatFaults30',
  'repeatFaults90',
  'slaBreaches90',
  'reopenedTickets90',
  'billShock',
  'disputes90',
  'cancelIntent90',
  'competitorMentions90',
  'contacts30',
  'newCustomer',
  'contractEnding60',
  'arrears',
  'downgrades90',
  'orderFailures90',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type ChurnFeatures = Record<FeatureName, number>;

// Words that say the customer is thinking of leaving, or names a rival. Kept short and literal:
// the cancellation dialog records explicit requests as ChurnSignal rows, this catches the rest.
const CANCEL_WORDS = /\b(cancel+(ing|ed)?|leav(e|ing)|switch(ing)?( to| over)?|terminate|close (my|the) account|port (my )?number)\b/i;
const COMPETITOR_WORDS = /\b(verizon|at&?t|t-?mobile|comcast|xfinity|spectrum|cox|frontier|centurylink|google fi|mint mobile|cricket|competitor|better deal|cheaper elsewhere)\b/i;

export function extractFeatures(history: ChurnHistory): ChurnFeatures {
  const at = history.at.getTime();
  const within = (date: Date, days: number) => date.getTime() <= at && at - date.getTime() <= days * DAY_MS;
  const maxPerService = (days: number) => {
    const counts = new Map<string, number>();
    for (const fault of history.faults) if (within(fault.openedAt, days)) counts.set(fault.serviceType, (counts.get(fault.serviceType) ?? 0) + 1);
    return Math.max(0, ...counts.values());
  };
  const recentMessages = history.inboundMessages.filter((message) => within(message.at, 90));
  const cancelMentions = recentMessages.filter((message) => CANCEL_WORDS.test(message.text)).length;
  const tenureMonths = (at - history.customerSince.getTime()) / (30.44 * DAY_MS);
  return {
    // Repeat faults: the faults beyond the first on the worst service.
    repeatFaults30: Math.max(0, maxPerService(30) - 1),
    repeatFaults90: Math.max(0, maxPerService(90) - 1),
    slaBreaches90: history.faults.filter((fault) => fault.slaBreachedAt && within(fault.slaBreachedAt, 90)).length,
    reopenedTickets90: history.faults.filter((fault) => fault.reopenCount > 0 && within(fault.openedAt, 90)).length,
    billShock: billShock(history),
    disputes90: history.disputes.filter((dispute) => within(dispute.at, 90)).length,
    cancelIntent90: Math.min(3, history.cancelIntents.filter((intent) => within(intent.at, 90)).length + cancelMentions),
    competitorMentions90: Math.min(3, recentMessages.filter((message) => COMPETITOR_WORDS.test(message.text)).length),
    // Contacts per month over the last 30 days, capped: one angry week should not dominate.
    contacts30: Math.min(10, history.inboundMessages.filter((message) => within(message.at, 30)).length) / 5,
    newCustomer: tenureMonths < 12 ? 1 : 0,
    contractEnding60: history.contractEnds.some((end) => end.getTime() >= at && end.getTime() - at <= 60 * DAY_MS) ? 1 : 0,
    arrears: history.overdueBills > 0 ? 1 : 0,
    downgrades90: Math.min(2, history.downgrades.filter((downgrade) => within(downgrade.at, 90)).length),
    orderFailures90: Math.min(2, history.failedOrders.filter((order) => within(order.at, 90)).length),
  };
}

/** How far the latest bill is above the mean of the (up to three) before it: 0.5 = 50 % above; 0 when not above. */
function billShock(history: ChurnHistory): number {
  const bills = history.bills.filter((bill) => bill.billDate.getTime() <= history.at.getTime()).toSorted((a, b) => b.billDate.getTime() - a.billDate.getTime());
  const [latest, ...earlier] = bills;
  const trailing = earlier.slice(0, 3);
  if (!latest || trailing.length === 0) return 0;
  const mean = trailing.reduce((sum, bill) => sum + bill.amount, 0) / trailing.length;
  if (mean <= 0) return 0;
  return Math.min(2, Math.max(0, latest.amount / mean - 1));
}

/** One sentence per feature, for the reasons shown to agents and marketers. */
export function describeFeature(name: FeatureName, features: ChurnFeatures): string {
  const value = features[name];
  switch (name) {
    case 'repeatFaults30':
      return `${value + 1} faults on one service in the last 30 days`;
    case 'repeatFaults90':
      return `${value + 1} faults on one service in the last 90 days`;
    case 'slaBreaches90':
      return `${value} repair${value === 1 ? '' : 's'} past the promised time (SLA breach) in 90 days`;
    case 'reopenedTickets90':
      return `${value} reopened ticket${value === 1 ? '' : 's'} in 90 days`;
    case 'billShock':
      return `latest bill ${Math.round(value * 100)}% above the usual`;
    case 'disputes90':
      return `${value} bill dispute${value === 1 ? '' : 's'} in 90 days`;
    case 'cancelIntent90':
      return 'asked about cancelling or leaving';
    case 'competitorMentions90':
      return 'mentioned a competitor or a better deal';
    case 'contacts30':
      return `${Math.round(value * 5)} messages to us in 30 days`;
    case 'newCustomer':
      return 'customer for less than a year';
    case 'contractEnding60':
      return 'contract ends within 60 days';
    case 'arrears':
      return 'a bill is past due';
    case 'downgrades90':
      return 'moved to a cheaper plan recently';
    case 'orderFailures90':
      return 'an order failed recently';
  }
}
