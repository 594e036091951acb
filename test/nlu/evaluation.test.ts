import { describe, expect, it } from 'vitest';
import { DEMO_OFFERINGS } from '../../src/domain/demo/demo-data.ts';
import { loadCorpus, TEST_CORPUS_PATH, TRAIN_CORPUS_PATH, TRAINED_INTENTS } from '../../src/nlu/corpus.ts';
import { evaluate, HELD_OUT_ACCURACY_FLOOR } from '../../src/nlu/evaluation.ts';
import { OfflineRecognizer } from '../../src/nlu/offline.recognizer.ts';

const train = loadCorpus(TRAIN_CORPUS_PATH).utterances;
const test = loadCorpus(TEST_CORPUS_PATH).utterances;
const normalise = (text: string) => text.toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ').trim();

describe('the NLU corpora', () => {
  it('have every intent, at least 40 training and 15 held-out utterances each', () => {
    for (const intent of TRAINED_INTENTS) {
      expect(train.filter((utterance) => utterance.intent === intent).length, intent).toBeGreaterThanOrEqual(40);
      expect(test.filter((utterance) => utterance.intent === intent).length, intent).toBeGreaterThanOrEqual(15);
    }
  });

  it('keep the held-out set out of training', () => {
    const trained = new Set(train.map((utterance) => normalise(utterance.text)));
    expect(test.filter((utterance) => trained.has(normalise(utterance.text))).map((utterance) => utterance.text)).toEqual([]);
  });
});

describe('held-out evaluation', () => {
  it(`stays at or above the accuracy floor (${HELD_OUT_ACCURACY_FLOOR})`, () => {
    const recognizer = new OfflineRecognizer({ offerings: DEMO_OFFERINGS });
    const report = evaluate((text) => recognizer.recognizeNow(text), test);
    expect(report.total).toBe(test.length);
    expect(report.accuracy).toBeGreaterThanOrEqual(HELD_OUT_ACCURACY_FLOOR);
    expect(report.macroF1).toBeGreaterThan(0.9);
  });

  it('scores a perfect and a useless recogniser as such', () => {
    const sample = test.slice(0, 40);
    const perfect = evaluate((text) => ({ text, intent: sample.find((utterance) => utterance.text === text)?.intent ?? 'none', confidence: 1, entities: [] }), sample);
    expect(perfect.accuracy).toBe(1);
    expect(perfect.confusions).toEqual([]);
    const useless = evaluate((text) => ({ text, intent: 'none', confidence: 0.99, entities: [] }), sample);
    expect(useless.accuracy).toBe(0);
    expect(useless.calibrationError).toBeGreaterThan(0.9);
  });
});
