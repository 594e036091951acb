import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { INTENTS, type Intent } from './recognizer.ts';

// The corpora live beside this file as JSON: intent → utterances. train.json teaches the offline
// recogniser; test.json is the held-out set the eval command scores, never used for training.

export const TRAIN_CORPUS_PATH = fileURLToPath(new URL('./corpus/train.json', import.meta.url));
export const TEST_CORPUS_PATH = fileURLToPath(new URL('./corpus/test.json', import.meta.url));

/**
 * Intents only a rule decides, never the classifier: a complaint is a label the customer puts on
 * any topic ("a complaint about my bill"), so the words decide it (offline.recognizer.ts), and
 * training it would pull angry fault reports and bill questions away from their own intents.
 */
export const RULE_ONLY_INTENTS: readonly Intent[] = ['complaint'];
/** The intents the corpora teach and score. */
export const TRAINED_INTENTS: readonly Intent[] = INTENTS.filter((intent) => !RULE_ONLY_INTENTS.includes(intent));

const corpusFile = z.partialRecord(z.enum(INTENTS), z.array(z.string().min(1)).min(1));

export interface Utterance {
  text: string;
  intent: Intent;
}

export interface Corpus {
  utterances: Utterance[];
  /** sha256 of the file's bytes: the trained-model cache is keyed on it. */
  hash: string;
}

/** Reads and validates a corpus file; every intent must have at least one utterance. */
export function loadCorpus(path: string): Corpus {
  const bytes = readFileSync(path);
  const parsed = corpusFile.parse(JSON.parse(bytes.toString('utf8')));
  const utterances: Utterance[] = [];
  for (const intent of TRAINED_INTENTS) {
    const texts = parsed[intent];
    if (!texts) throw new Error(`${path}: no utterances for intent "${intent}"`);
    for (const text of texts) utterances.push({ text, intent });
  }
  return { utterances, hash: createHash('sha256').update(bytes).digest('hex') };
}
