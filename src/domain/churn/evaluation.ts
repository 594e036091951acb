import { CHURN_MODEL, predict, type ChurnModel } from './churn-model.ts';
import { generatePopulation } from './synthetic-population.ts';

// Offline measures of a churn model: ranking (AUC, top-decile lift) and calibration (Brier score).

export interface Scored {
  probability: number;
  churned: boolean;
}

export interface ChurnEvaluation {
  customers: number;
  churnRate: number;
  /** Area under the ROC curve (ties count half). */
  auc: number;
  /** Churn rate in the 10 % scored highest, over the overall churn rate. */
  topDecileLift: number;
  /** Mean squared error of the probabilities (lower is better; the base rate alone scores p(1-p)). */
  brier: number;
}

export function evaluateScores(scored: readonly Scored[]): ChurnEvaluation {
  const n = scored.length;
  const positives = scored.filter((row) => row.churned).length;
  const churnRate = n === 0 ? 0 : positives / n;
  const sorted = scored.toSorted((a, b) => a.probability - b.probability);
  // Mann-Whitney U with average ranks for ties.
  let rankSumPositives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]?.probability === sorted[i]?.probability) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (sorted[k]?.churned) rankSumPositives += averageRank;
    i = j + 1;
  }
  const negatives = n - positives;
  const auc = positives === 0 || negatives === 0 ? 0.5 : (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
  const decile = sorted.slice(Math.floor(n * 0.9));
  const decileRate = decile.length === 0 ? 0 : decile.filter((row) => row.churned).length / decile.length;
  const brier = n === 0 ? 0 : scored.reduce((sum, row) => sum + (row.probability - (row.churned ? 1 : 0)) ** 2, 0) / n;
  return { customers: n, churnRate, auc, topDecileLift: churnRate === 0 ? 0 : decileRate / churnRate, brier };
}

/** The model, the generator's own probabilities and the base rate, scored on one seeded population. */
export function evaluateOnSyntheticPopulation(seed: string, size: number, model: ChurnModel = CHURN_MODEL) {
  const population = generatePopulation(seed, size);
  const churnRate = population.filter((customer) => customer.churned).length / Math.max(1, size);
  return {
    model: evaluateScores(population.map((customer) => ({ probability: predict(customer.features, model), churned: customer.churned }))),
    truth: evaluateScores(population.map((customer) => ({ probability: customer.trueProbability, churned: customer.churned }))),
    baseRate: evaluateScores(population.map((customer) => ({ probability: churnRate, churned: customer.churned }))),
  };
}

