import type { Utterance } from './corpus.ts';
import { INTENTS, type Intent, type Recognition } from './recognizer.ts';

// Scores a recogniser on the held-out corpus: accuracy, macro-F1, per-intent precision / recall /
// F1, the most frequent confusions, and how well confidence matches accuracy.

/**
 * CI fails below this accuracy on src/nlu/corpus/test.json. The offline recogniser reached
 * 0.971 (498 of 513); the margin lets a corpus or feature change cost five utterances, no more.
 */
export const HELD_OUT_ACCURACY_FLOOR = 0.96;

export interface IntentScore {
  intent: Intent;
  precision: number;
  recall: number;
  f1: number;
  /** Utterances of this intent in the test set. */
  support: number;
}

export interface Confusion {
  expected: Intent;
  predicted: Intent;
  count: number;
  examples: string[];
}

export interface EvaluationReport {
  total: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  perIntent: IntentScore[];
  confusions: Confusion[];
  /** Expected calibration error over ten confidence bins: 0 is perfectly calibrated. */
  calibrationError: number;
  /** Accuracy of the answers at or above 0.5 confidence (what the bot acts on), and their share. */
  confidentAccuracy: number;
  confidentShare: number;
  /** Mean confidence of the answers for out-of-scope (`none`) test utterances that were not called `none`. */
  outOfScopeFalseConfidence: number;
  errors: Array<{ text: string; expected: Intent; predicted: Intent; confidence: number }>;
}

export function evaluate(recognize: (text: string) => Recognition, utterances: readonly Utterance[]): EvaluationReport {
  const results = utterances.map((utterance) => ({ utterance, recognition: recognize(utterance.text) }));
  const correct = results.filter(({ utterance, recognition }) => utterance.intent === recognition.intent).length;

  const perIntent = INTENTS.map((intent): IntentScore => {
    const truePositives = results.filter(({ utterance, recognition }) => utterance.intent === intent && recognition.intent === intent).length;
    const predicted = results.filter(({ recognition }) => recognition.intent === intent).length;
    const support = results.filter(({ utterance }) => utterance.intent === intent).length;
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { intent, precision, recall, f1, support };
  });
  const scored = perIntent.filter((score) => score.support > 0);

  const confusionMap = new Map<string, Confusion>();
  for (const { utterance, recognition } of results) {
    if (utterance.intent === recognition.intent) continue;
    const key = `${utterance.intent}>${recognition.intent}`;
    const entry = confusionMap.get(key) ?? { expected: utterance.intent, predicted: recognition.intent, count: 0, examples: [] };
    entry.count += 1;
    entry.examples.push(utterance.text);
    confusionMap.set(key, entry);
  }

  const bins = Array.from({ length: 10 }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const { utterance, recognition } of results) {
    const bin = bins[Math.min(9, Math.floor(recognition.confidence * 10))];
    if (!bin) continue;
    bin.count += 1;
    bin.confidence += recognition.confidence;
    bin.correct += utterance.intent === recognition.intent ? 1 : 0;
  }
  const calibrationError = bins.reduce((sum, bin) => (bin.count === 0 ? sum : sum + Math.abs(bin.correct - bin.confidence) / Math.max(results.length, 1)), 0);
  const confident = results.filter(({ recognition }) => recognition.confidence >= 0.5);
  const missedNone = results.filter(({ utterance, recognition }) => utterance.intent === 'none' && recognition.intent !== 'none');

  return {
    total: results.length,
    correct,
    accuracy: results.length === 0 ? 0 : correct / results.length,
    macroF1: scored.reduce((sum, score) => sum + score.f1, 0) / Math.max(scored.length, 1),
    perIntent,
    confusions: [...confusionMap.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
    calibrationError,
    confidentAccuracy: confident.length === 0 ? 0 : confident.filter(({ utterance, recognition }) => utterance.intent === recognition.intent).length / confident.length,
    confidentShare: results.length === 0 ? 0 : confident.length / results.length,
    outOfScopeFalseConfidence: missedNone.length === 0 ? 0 : missedNone.reduce((sum, { recognition }) => sum + recognition.confidence, 0) / missedNone.length,
    errors: results
      .filter(({ utterance, recognition }) => utterance.intent !== recognition.intent)
      .map(({ utterance, recognition }) => ({ text: utterance.text, expected: utterance.intent, predicted: recognition.intent, confidence: recognition.confidence })),
  };
}

/** The report as the eval command prints it. */
export function formatReport(report: EvaluationReport, options: { confusions?: number; errors?: boolean } = {}): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const lines = [
    `accuracy   ${percent(report.accuracy)} (${report.correct}/${report.total})`,
    `macro-F1   ${report.macroF1.toFixed(3)}`,
    `calibration error (ECE) ${report.calibrationError.toFixed(3)}; confidence >= 0.5 on ${percent(report.confidentShare)} of utterances, ${percent(report.confidentAccuracy)} of those right`,
    '',
    `${'intent'.padEnd(16)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'F1'.padStart(8)}${'n'.padStart(5)}`,
    ...report.perIntent.map(
      (score) =>
        `${score.intent.padEnd(16)}${score.precision.toFixed(3).padStart(10)}${score.recall.toFixed(3).padStart(8)}${score.f1.toFixed(3).padStart(8)}${String(score.support).padStart(5)}`,
    ),
    '',
    'top confusions (expected → predicted):',
    ...(report.confusions.length === 0
      ? ['  none']
      : report.confusions.slice(0, options.confusions ?? 10).map((c) => `  ${String(c.count).padStart(2)}  ${c.expected} → ${c.predicted}   e.g. "${c.examples[0] ?? ''}"`)),
  ];
  if (options.errors) {
    lines.push('', 'errors:', ...report.errors.map((e) => `  ${e.expected} → ${e.predicted} (${e.confidence.toFixed(2)})  ${e.text}`));
  }
  return lines.join('\n');
}
