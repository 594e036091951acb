import { describeFeature, FEATURE_NAMES, type ChurnFeatures, type FeatureName } from './churn-features.ts';

// The churn model: logistic regression over the features, so every score splits exactly into
// per-feature points (weight × value, in log-odds) and its top reasons are the largest of them.
// The weights below were fitted by `npm run churn -- fit` (logistic regression, small L2
// penalty) on the synthetic population of seed `train-2026`, and are evaluated on another seed.
// Newton's method with a small L2 penalty, to be exact; refit and paste when features change.

export interface ChurnModel {
  version: string;
  intercept: number;
  weights: Record<FeatureName, number>;
}

// Fitted by `npm run churn -- fit --seed train-2026 --size 20000`; rounded to 3 decimals.
export const CHURN_MODEL: ChurnModel = {
  version: 'logit-train-2026',
  intercept: -3.266,
  weights: {
    repeatFaults30: 0.004,
    repeatFaults90: 0.638,
    slaBreaches90: 0.678,
    reopenedTickets90: -0.021,
    billShock: 1.278,
    disputes90: 0.453,
    cancelIntent90: 1.354,
    competitorMentions90: 1.013,
    contacts30: 0.063,
    newCustomer: 0.463,
    contractEnding60: 0.961,
    arrears: 0.612,
    downgrades90: 0.39,
    orderFailures90: 0.329,
  },
};

export type ChurnBand = 'low' | 'medium' | 'high';

/** Probability at or above which a customer is in the band. */
export const BAND_THRESHOLDS = { high: 0.4, medium: 0.15 } as const;

export interface ChurnReason {
  code: FeatureName;
  text: string;
  /** The feature's share of the score, in log-odds points (× 10, rounded). */
  points: number;
}

export interface ChurnAssessment {
  /** 0..100: the probability in percent, rounded. */
  score: number;
  probability: number;
  band: ChurnBand;
  /** What raised the risk, largest first (at most three). */
  reasons: ChurnReason[];
  modelVersion: string;
}

export function assessChurn(features: ChurnFeatures, model: ChurnModel = CHURN_MODEL): ChurnAssessment {
  const probability = predict(features, model);
  const contributions = FEATURE_NAMES.map((name) => ({ name, logit: model.weights[name] * features[name] }))
    .filter((entry) => entry.logit > 0.05)
    .sort((a, b) => b.logit - a.logit);
  return {
    score: Math.round(probability * 100),
    probability,
    band: bandOf(probability),
    reasons: contributions.slice(0, 3).map((entry) => ({ code: entry.name, text: describeFeature(entry.name, features), points: Math.round(entry.logit * 10) })),
    modelVersion: model.version,
  };
}

export function bandOf(probability: number): ChurnBand {
  if (probability >= BAND_THRESHOLDS.high) return 'high';
  if (probability >= BAND_THRESHOLDS.medium) return 'medium';
  return 'low';
}

export function predict(features: ChurnFeatures, model: ChurnModel): number {
  let logit = model.intercept;
  for (const name of FEATURE_NAMES) logit += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-logit));
}

export interface FitOptions {
  /** Newton steps; it converges in well under ten on these features. */
  iterations?: number;
  /** L2 penalty on the weights (not the intercept), per row. */
  l2?: number;
  version?: string;
}

/** Logistic regression by Newton's method (iteratively reweighted least squares) with a small L2 penalty. */
export function fitChurnModel(rows: ReadonlyArray<{ features: ChurnFeatures; churned: boolean }>, options: FitOptions = {}): ChurnModel {
  const iterations = options.iterations ?? 12;
  const l2 = options.l2 ?? 0.0005;
  const n = rows.length;
  const size = FEATURE_NAMES.length + 1;
  // Column 0 is the intercept.
  const x = rows.map((row) => [1, ...FEATURE_NAMES.map((name) => row.features[name])]);
  const y = rows.map((row) => (row.churned ? 1 : 0));
  let beta = new Array<number>(size).fill(0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (let i = 0; i < n; i++) {
      const xi = x[i] ?? [];
      let logit = 0;
      for (let j = 0; j < size; j++) logit += (beta[j] ?? 0) * (xi[j] ?? 0);
      const p = 1 / (1 + Math.exp(-logit));
      const error = p - (y[i] ?? 0);
      const weight = p * (1 - p);
      for (let j = 0; j < size; j++) {
        const xij = xi[j] ?? 0;
        gradient[j] = (gradient[j] ?? 0) + error * xij;
        const row = hessian[j] ?? [];
        for (let k = 0; k <= j; k++) row[k] = (row[k] ?? 0) + weight * xij * (xi[k] ?? 0);
      }
    }
    for (let j = 0; j < size; j++) {
      const row = hessian[j] ?? [];
      for (let k = 0; k < j; k++) (hessian[k] ?? [])[j] = row[k] ?? 0;
      if (j > 0) {
        gradient[j] = (gradient[j] ?? 0) + l2 * n * (beta[j] ?? 0);
        row[j] = (row[j] ?? 0) + l2 * n;
      }
    }
    const step = solve(hessian, gradient);
    beta = beta.map((value, j) => value - (step[j] ?? 0));
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const weights = Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, round(beta[j + 1] ?? 0)]));
  return { version: options.version ?? 'fitted', intercept: round(beta[0] ?? 0), weights: weightsRecord(weights) };
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(matrix: number[][], vector: number[]): number[] {
  const a = matrix.map((row, i) => [...row, vector[i] ?? 0]);
  const size = vector.length;
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let row = col + 1; row < size; row++) if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = row;
    const swap = a[col];
    const pivotRow = a[pivot];
    if (!swap || !pivotRow) continue;
    a[col] = pivotRow;
    a[pivot] = swap;
    const diagonal = pivotRow[col] ?? 0;
    if (Math.abs(diagonal) < 1e-12) continue;
    for (let row = col + 1; row < size; row++) {
      const target = a[row];
      if (!target) continue;
      const factor = (target[col] ?? 0) / diagonal;
      for (let k = col; k <= size; k++) target[k] = (target[k] ?? 0) - factor * (pivotRow[k] ?? 0);
    }
  }
  const result = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row--) {
    const line = a[row] ?? [];
    let sum = line[size] ?? 0;
    for (let k = row + 1; k < size; k++) sum -= (line[k] ?? 0) * (result[k] ?? 0);
    const diagonal = line[row] ?? 0;
    result[row] = Math.abs(diagonal) < 1e-12 ? 0 : sum / diagonal;
  }
  return result;
}

function weightsRecord(values: Record<string, number>): Record<FeatureName, number> {
  const record = { ...CHURN_MODEL.weights };
  for (const name of FEATURE_NAMES) record[name] = values[name] ?? 0;
  return record;
}
