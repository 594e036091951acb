import { z } from 'zod';
import { daleChall } from 'dale-chall';
import { conceptsOf } from './concepts.ts';
import { SpellingCorrector } from '../lib/spelling.ts';
import { normalizeTokens } from './text-normalizer.ts';

// A multinomial logistic regression over word, word-pair and character n-gram features, trained
// with AdaGrad. Character n-grams make it robust to typos and SMS spelling the normaliser does
// not know; the spelling corrector maps unknown words onto the training vocabulary first. The
// probabilities are scaled by a temperature fitted on cross-validated predictions, so that a
// confidence of 0.8 is right about 80% of the time.

export interface IntentModelOptions {
  /** Passes over the training set. Default 15. */
  epochs?: number;
  /** AdaGrad base learning rate. Default 0.4. */
  learningRate?: number;
  /** L2 penalty per update. Default 1e-4. */
  l2?: number;
  /** Smallest and largest character n-gram. Default 2 and 5. */
  charMin?: number;
  charMax?: number;
  /** Relative weights of the feature groups. Defaults 1, 0.6, 1. */
  wordWeight?: number;
  bigramWeight?: number;
  charWeight?: number;
  /** Weight of the domain-concept features (see concepts.ts); 0 turns them off. Default 0.6. */
  conceptWeight?: number;
  /** Folds for fitting the temperature; 0 or 1 keeps temperature 1. Default 3. */
  calibrationFolds?: number;
  /** Seed for the shuffling, so that training is reproducible. Default 7. */
  seed?: number;
}

export interface LabelledText {
  text: string;
  label: string;
}

export interface Prediction {
  label: string;
  probability: number;
}

type Settings = Required<IntentModelOptions>;

/** Everyday English words (the Dale–Chall list) that the spelling corrector must leave alone. */
const COMMON_WORDS: ReadonlySet<string> = new Set(daleChall);

const DEFAULTS: Settings = {
  epochs: 15,
  learningRate: 0.4,
  l2: 1e-4,
  charMin: 2,
  charMax: 5,
  wordWeight: 1,
  bigramWeight: 0.6,
  charWeight: 1,
  conceptWeight: 0.6,
  calibrationFolds: 3,
  seed: 7,
};

export const intentModelSnapshot = z.object({
  format: z.literal(1),
  settings: z.object({
    epochs: z.number(),
    learningRate: z.number(),
    l2: z.number(),
    charMin: z.number(),
    charMax: z.number(),
    wordWeight: z.number(),
    bigramWeight: z.number(),
    charWeight: z.number(),
    conceptWeight: z.number(),
    calibrationFolds: z.number(),
    seed: z.number(),
  }),
  labels: z.array(z.string()),
  features: z.array(z.string()),
  /** Float32 little-endian, base64: a tenth of the size of a JSON number array, and parsed at once. */
  weights: z.string(),
  bias: z.array(z.number()),
  temperature: z.number().positive(),
  vocabulary: z.array(z.tuple([z.string(), z.number()])),
});
export type IntentModelSnapshot = z.infer<typeof intentModelSnapshot>;

interface SparseVector {
  indices: number[];
  values: number[];
}

export class IntentModel {
  private readonly featureIndex: Map<string, number>;
  private readonly corrector: SpellingCorrector;

  /** Use IntentModel.train or IntentModel.fromSnapshot. */
  constructor(
    private readonly settings: Settings,
    readonly labels: readonly string[],
    private readonly features: readonly string[],
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
    readonly temperature: number,
    private readonly vocabulary: Map<string, number>,
  ) {
    this.featureIndex = new Map(features.map((name, index) => [name, index]));
    this.corrector = new SpellingCorrector(vocabulary, { commonWords: COMMON_WORDS });
  }

  /** Trains on the examples; with calibrationFolds > 1 also fits the temperature. */
  static train(examples: readonly LabelledText[], options: IntentModelOptions = {}): IntentModel {
    const settings: Settings = { ...DEFAULTS, ...options };
    const temperature = settings.calibrationFolds > 1 ? fitTemperature(examples, settings) : 1;
    return trainOnce(examples, settings, temperature);
  }

  static fromSnapshot(snapshot: IntentModelSnapshot): IntentModel {
    return new IntentModel(
      snapshot.settings,
      snapshot.labels,
      snapshot.features,
      decodeWeights(snapshot.weights, snapshot.features.length * snapshot.labels.length),
      Float64Array.from(snapshot.bias),
      snapshot.temperature,
      new Map(snapshot.vocabulary),
    );
  }

  toSnapshot(): IntentModelSnapshot {
    return {
      format: 1,
      settings: this.settings,
      labels: [...this.labels],
      features: [...this.features],
      weights: Buffer.from(Float32Array.from(this.weights).buffer).toString('base64'),
      bias: Array.from(this.bias),
      temperature: this.temperature,
      vocabulary: [...this.vocabulary],
    };
  }

  /** Every label with its probability, likeliest first. */
  predict(text: string): Prediction[] {
    const tokens = this.tokens(text);
    return this.predictTokens(tokens, this.temperature);
  }

  private tokens(text: string): string[] {
    return normalizeTokens(text).map((token) => this.corrector.correct(token));
  }

  private predictTokens(tokens: string[], temperature: number): Prediction[] {
    const vector = vectorize(featureCounts(tokens, this.settings), this.featureIndex);
    const scores = logits(vector, this.weights, this.bias, this.labels.length);
    const probabilities = softmax(scores.map((score) => score / temperature));
    return this.labels
      .map((label, index) => ({ label, probability: probabilities[index] ?? 0 }))
      .sort((a, b) => b.probability - a.probability);
  }

  /** Class scores before the temperature and softmax, for fitting the temperature. */
  rawScores(text: string): number[] {
    const vector = vectorize(featureCounts(this.tokens(text), this.settings), this.featureIndex);
    return logits(vector, this.weights, this.bias, this.labels.length);
  }
}

function decodeWeights(base64: string, expected: number): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== expected * 4) throw new Error(`intent model snapshot: ${bytes.length / 4} weights, expected ${expected}`);
  // Copied into a fresh, aligned buffer; the bytes are little-endian, as on every machine we run on.
  return Float64Array.from(new Float32Array(Uint8Array.from(bytes).buffer));
}

function trainOnce(examples: readonly LabelledText[], settings: Settings, temperature: number): IntentModel {
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const vocabulary = new Map<string, number>();
  const tokenLists = examples.map((example) => normalizeTokens(example.text));
  for (const tokens of tokenLists) for (const token of tokens) vocabulary.set(token, (vocabulary.get(token) ?? 0) + 1);

  const featureIndex = new Map<string, number>();
  const counted = tokenLists.map((tokens) => featureCounts(tokens, settings));
  for (const counts of counted) for (const name of counts.keys()) if (!featureIndex.has(name)) featureIndex.set(name, featureIndex.size);
  const vectors = counted.map((counts) => vectorize(counts, featureIndex));
  const targets = examples.map((example) => labelIndex.get(example.label) ?? 0);

  const classes = labels.length;
  const weights = new Float64Array(featureIndex.size * classes);
  const squared = new Float64Array(featureIndex.size * classes);
  const bias = new Float64Array(classes);
  const biasSquared = new Float64Array(classes);
  const random = seededRandom(settings.seed);
  const order = vectors.map((_, index) => index);
  const gradient = new Float64Array(classes);

  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    shuffle(order, random);
    for (const exampleIndex of order) {
      const vector = vectors[exampleIndex];
      const target = targets[exampleIndex];
      if (!vector || target === undefined) continue;
      const probabilities = softmax(logits(vector, weights, bias, classes));
      for (let c = 0; c < classes; c++) gradient[c] = (probabilities[c] ?? 0) - (c === target ? 1 : 0);
      for (let c = 0; c < classes; c++) {
        const g = gradient[c] ?? 0;
        biasSquared[c] = (biasSquared[c] ?? 0) + g * g;
        bias[c] = (bias[c] ?? 0) - (settings.learningRate * g) / Math.sqrt((biasSquared[c] ?? 0) + 1e-8);
      }
      // Classes the model already rules out get a negligible gradient: skipping them makes later
      // epochs several times faster without changing the result.
      const active: number[] = [];
      for (let c = 0; c < classes; c++) if (Math.abs(gradient[c] ?? 0) > 1e-3) active.push(c);
      for (let k = 0; k < vector.indices.length; k++) {
        const base = (vector.indices[k] ?? 0) * classes;
        const x = vector.values[k] ?? 0;
        for (const c of active) {
          const at = base + c;
          const w = weights[at] ?? 0;
          const g = (gradient[c] ?? 0) * x + settings.l2 * w;
          const s = (squared[at] ?? 0) + g * g;
          squared[at] = s;
          weights[at] = w - (settings.learningRate * g) / Math.sqrt(s + 1e-8);
        }
      }
    }
  }
  return new IntentModel(settings, labels, [...featureIndex.keys()], weights, bias, temperature, vocabulary);
}

/** The temperature that minimises the log-loss of out-of-fold predictions. */
function fitTemperature(examples: readonly LabelledText[], settings: Settings): number {
  const folds = settings.calibrationFolds;
  const scored: Array<{ scores: number[]; target: number }> = [];
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  for (let fold = 0; fold < folds; fold++) {
    const training = examples.filter((_, index) => index % folds !== fold);
    const held = examples.filter((_, index) => index % folds === fold);
    const model = trainOnce(training, settings, 1);
    for (const example of held) {
      const raw = model.rawScores(example.text);
      // Fold models may lack a label; map scores back onto the full label list.
      const scores = labels.map((label) => {
        const at = model.labels.indexOf(label);
        return at >= 0 ? (raw[at] ?? 0) : -30;
      });
      scored.push({ scores, target: labels.indexOf(example.label) });
    }
  }
  const loss = (temperature: number) =>
    scored.reduce((sum, { scores, target }) => sum - Math.log(Math.max(softmax(scores.map((s) => s / temperature))[target] ?? 0, 1e-12)), 0);
  // Golden-section search on a range that covers any sensible temperature.
  let low = 0.2;
  let high = 5;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 40; step++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (loss(a) < loss(b)) high = b;
    else low = a;
  }
  return (low + high) / 2;
}

/** Feature name → weight: words, word pairs (with start and end markers) and character n-grams, each group scaled to unit length. */
function featureCounts(tokens: readonly string[], settings: Settings): Map<string, number> {
  const words = new Map<string, number>();
  const pairs = new Map<string, number>();
  const chars = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const padded = ['<s>', ...tokens, '</s>'];
  for (const token of tokens) add(words, `w:${token}`);
  for (let i = 0; i + 1 < padded.length; i++) add(pairs, `b:${padded[i]}_${padded[i + 1]}`);
  for (const token of tokens) {
    const marked = `<${token}>`;
    for (let n = settings.charMin; n <= settings.charMax; n++) {
      for (let i = 0; i + n <= marked.length; i++) add(chars, `c:${marked.slice(i, i + n)}`);
    }
  }
  const concepts = new Map<string, number>();
  const present = [...new Set(tokens.flatMap((token) => conceptsOf(token)))].sort();
  for (const concept of present) add(concepts, `k:${concept}`);
  // No domain word at all is the strongest sign of an out-of-scope message.
  if (present.length === 0) add(concepts, 'k:nothing');
  for (let i = 0; i < present.length; i++) for (let j = i + 1; j < present.length; j++) add(concepts, `kk:${present[i]}+${present[j]}`);
  const lengthBucket = tokens.length <= 1 ? '1' : tokens.length <= 2 ? '2' : tokens.length <= 5 ? '3-5' : '6+';
  const result = new Map<string, number>([[`len:${lengthBucket}`, 0.5]]);
  for (const [map, weight] of [
    [words, settings.wordWeight],
    [pairs, settings.bigramWeight],
    [chars, settings.charWeight],
    [concepts, settings.conceptWeight],
  ] as const) {
    let norm = 0;
    for (const value of map.values()) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (const [key, value] of map) result.set(key, (weight * value) / norm);
  }
  return result;
}

function vectorize(counts: Map<string, number>, index: Map<string, number>): SparseVector {
  const vector: SparseVector = { indices: [], values: [] };
  for (const [name, value] of counts) {
    const at = index.get(name);
    if (at !== undefined) {
      vector.indices.push(at);
      vector.values.push(value);
    }
  }
  return vector;
}

function logits(vector: SparseVector, weights: Float64Array, bias: Float64Array, classes: number): number[] {
  const scores = Array.from(bias);
  for (let k = 0; k < vector.indices.length; k++) {
    const base = (vector.indices[k] ?? 0) * classes;
    const x = vector.values[k] ?? 0;
    for (let c = 0; c < classes; c++) scores[c] = (scores[c] ?? 0) + (weights[base + c] ?? 0) * x;
  }
  return scores;
}

function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp(score - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
}
