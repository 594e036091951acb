import { describe, expect, it } from 'vitest';
import { extractFeatures, type ChurnHistory } from '../../src/domain/churn/churn-features.ts';
import { assessChurn, CHURN_MODEL, fitChurnModel } from '../../src/domain/churn/churn-model.ts';
import { evaluateOnSyntheticPopulation, evaluateScores } from '../../src/domain/churn/evaluation.ts';
import { generatePopulation, SYNTHETIC_T, TRUE_DRIVERS } from '../../src/domain/churn/synthetic-population.ts';

// The churn model offline: deterministic per seed, good on a population it was not fitted on,
// and its reasons name what actually drives a customer's risk.

const DAY = 86_400_000;
const at = SYNTHETIC_T;
const daysAgo = (days: number) => new Date(at.getTime() - days * DAY);

function quietHistory(overrides: Partial<ChurnHistory> = {}): ChurnHistory {
  return {
    at,
    customerSince: daysAgo(900),
    faults: [],
    bills: [4, 3, 2, 1].map((months) => ({ billDate: daysAgo(months * 30), amount: 80 })),
    disputes: [],
    cancelIntents: [],
    inboundMessages: [],
    contractEnds: [],
    overdueBills: 0,
    downgrades: [],
    failedOrders: [],
    ...overrides,
  };
}

describe('churn evaluation', () => {
  it('is deterministic per seed and different across seeds', () => {
    const first = evaluateOnSyntheticPopulation('test-determinism', 2000);
    const again = evaluateOnSyntheticPopulation('test-determinism', 2000);
    const other = evaluateOnSyntheticPopulation('another-seed', 2000);
    expect(again).toEqual(first);
    expect(other.model.auc).not.toBe(first.model.auc);
  });

  it('ranks churners of a population it was not fitted on with AUC >= 0.80, and beats the base rate on Brier', () => {
    const result = evaluateOnSyntheticPopulation('test-2026', 8000);
    expect(result.model.auc).toBeGreaterThanOrEqual(0.8);
    expect(result.model.topDecileLift).toBeGreaterThan(3);
    expect(result.model.brier).toBeLessThan(result.baseRate.brier);
    // No model beats the generator's own probabilities by more than noise.
    expect(result.model.auc).toBeLessThanOrEqual(result.truth.auc + 0.01);
  });

  // Contact frequency is no driver but rises with faults and bill shock, so it keeps a little weight as a proxy.
  it('fitting finds the true drivers: positive weights for them, small ones for the rest', () => {
    const model = fitChurnModel(generatePopulation('fit-check', 6000));
    for (const [name, weight] of Object.entries(model.weights)) {
      if (name in TRUE_DRIVERS) expect(weight, name).toBeGreaterThan(0.1);
      else expect(Math.abs(weight), name).toBeLessThan(0.5);
    }
  });

  it('computes AUC, lift and Brier on a hand-checked example', () => {
    const scored = [
      { probability: 0.9, churned: true },
      { probability: 0.8, churned: false },
      { probability: 0.3, churned: true },
      { probability: 0.1, churned: false },
    ];
    // Pairs (churner, stayer) ranked right: (0.9>0.8), (0.9>0.1), (0.3>0.1); wrong: (0.3<0.8) → 3/4.
    expect(evaluateScores(scored).auc).toBeCloseTo(0.75);
    expect(evaluateScores(scored).brier).toBeCloseTo((0.01 + 0.64 + 0.49 + 0.01) / 4);
  });
});

describe('churn reasons', () => {
  const cases: Array<{ name: string; history: ChurnHistory; topReason: string }> = [
    {
      name: 'repeated faults with SLA breaches',
      history: quietHistory({
        faults: [5, 12, 20].map((days) => ({ serviceType: 'internet', openedAt: daysAgo(days), reopenCount: 0, slaBreachedAt: daysAgo(days - 1) })),
      }),
      topReason: 'slaBreaches90',
    },
    { name: 'a bill far above the usual', history: quietHistory({ bills: [...quietHistory().bills.slice(0, 3), { billDate: daysAgo(2), amount: 190 }] }), topReason: 'billShock' },
    { name: 'asked how to cancel', history: quietHistory({ inboundMessages: [{ at: daysAgo(3), text: 'how do I cancel my account' }] }), topReason: 'cancelIntent90' },
    { name: 'named a competitor', history: quietHistory({ inboundMessages: [{ at: daysAgo(3), text: 'T-Mobile has a better deal' }] }), topReason: 'competitorMentions90' },
    { name: 'contract ending', history: quietHistory({ contractEnds: [new Date(at.getTime() + 20 * DAY)] }), topReason: 'contractEnding60' },
  ];
  it.each(cases)('$name → $topReason first', ({ history, topReason }) => {
    const assessment = assessChurn(extractFeatures(history));
    expect(assessment.reasons[0]?.code).toBe(topReason);
    expect(assessment.reasons[0]?.text).toMatch(/\w/);
    expect(assessment.probability).toBeGreaterThan(assessChurn(extractFeatures(quietHistory())).probability);
  });

  it('a quiet long-standing customer is low risk with no reasons', () => {
    const assessment = assessChurn(extractFeatures(quietHistory()));
    expect(assessment).toMatchObject({ band: 'low', reasons: [], modelVersion: CHURN_MODEL.version });
  });

  it('several drivers together make a high-risk customer, reasons largest first', () => {
    const assessment = assessChurn(
      extractFeatures(
        quietHistory({
          inboundMessages: [{ at: daysAgo(3), text: 'thinking of switching to verizon' }, { at: daysAgo(2), text: 'cancel my tv' }],
          contractEnds: [new Date(at.getTime() + 20 * DAY)],
          overdueBills: 1,
        }),
      ),
    );
    expect(assessment.band).toBe('high');
    expect(assessment.reasons.map((reason) => reason.code)).toEqual(['cancelIntent90', 'competitorMentions90', 'contractEnding60']);
    const points = assessment.reasons.map((reason) => reason.points);
    expect(points).toEqual(points.toSorted((a, b) => b - a));
  });

  it('looks at nothing after T', () => {
    const later = quietHistory({ inboundMessages: [{ at: new Date(at.getTime() + DAY), text: 'cancel everything' }] });
    expect(extractFeatures(later)).toEqual(extractFeatures(quietHistory()));
  });
});
