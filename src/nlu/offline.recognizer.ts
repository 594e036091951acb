import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OfferingMatcher, type MatchableOffering } from '../domain/catalog/offering-matcher.ts';
import { loadCorpus, TRAIN_CORPUS_PATH } from './corpus.ts';
import { extractEntities } from './entities.ts';
import { IntentModel, intentModelSnapshot, type IntentModelOptions, type Prediction } from './intent-model.ts';
import { INTENTS, type Entity, type Intent, type Recognition, type RecognizeOptions, type Recognizer } from './recognizer.ts';
import { normalizeTokens, splitSentences } from './text-normalizer.ts';

// The default recogniser: no network, no downloaded model. A classifier trained at start-up on
// the corpus in this folder decides the intent; rules decide what rules are sure of (the SMS
// opt-out keywords, a bare reference number, a bare yes or no). The trained model is cached on
// disk, keyed on the corpus and the code that turns text into features.

export interface OfflineRecognizerOptions {
  /** Catalog offerings to recognise ("the 1 gig plan" → FIBER-1G), from ProductOffering. Default none; see setOfferings. */
  offerings?: readonly MatchableOffering[];
  /** The training corpus. Default src/nlu/corpus/train.json. */
  corpusPath?: string;
  /** Where the trained model is cached; false trains every time. Default node_modules/.cache/telco-bot-nlu. */
  cacheDir?: string | false;
  /** Classifier settings, for experiments; the defaults are the evaluated ones. */
  model?: IntentModelOptions;
}

export interface OfflineRecognizerStartup {
  /** Milliseconds spent training, or loading the cached model. */
  ms: number;
  fromCache: boolean;
  examples: number;
}

const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/telco-bot-nlu', import.meta.url));

// The files whose change must retrain a cached model, beside this one.
const MODEL_SOURCES = ['intent-model.ts', 'text-normalizer.ts', 'concepts.ts', '../lib/spelling.ts', '../domain/references.ts'];

// Carrier opt-out keywords alone in a message. CANCEL is left out: in a chat it means "stop
// this", and the SMS gateway already treats it as opt-out before recognition.
const OPT_OUT_WORDS = new Set(['stop', 'stopall', 'stop all', 'unsubscribe', 'end', 'quit', 'revoke', 'optout', 'opt out']);

const AFFIRM_ANSWERS = new Set(['yes', 'yeah', 'yep', 'yup', 'yes please', 'sure', 'ok', 'ok yes', 'correct', 'that is correct', 'that is right', 'right', 'confirm', 'i confirm', 'go ahead', 'yes go ahead', 'please do', 'do it', 'absolutely', 'definitely', 'sounds good', 'affirmative']);
const DENY_ANSWERS = new Set(['no', 'nope', 'nah', 'no thanks', 'no thank you', 'not now', 'do not', 'no do not', 'never mind', 'nevermind', 'wrong', 'incorrect', 'that is wrong', 'that is not right', 'no way', 'negative', 'not really', 'forget it']);

// A reference number alone (with at most these words) says which status is wanted.
const REFERENCE_INTENTS: Record<string, Intent> = { refticket: 'ticket.status', reforder: 'order.status', refbill: 'bill.inquiry', refadjust: 'bill.dispute' };
const REFERENCE_FILLER = new Set(['status', 'update', 'any', 'news', 'please', 'eta', '?', 'my', 'check', 'on', 'for', 'of', 'the', 'is', 'what', 'about', 'ref', 'number', 'ticket', 'order', 'invoice', 'no']);

// Intents that say little about what the customer wants done: a sentence with a request beats them.
const CONVERSATIONAL = new Set<Intent>(['greeting', 'thanks', 'goodbye', 'affirm', 'deny', 'help', 'none']);

/** A sentence's request must be at least this likely to win over the whole message's small talk. */
const SENTENCE_OVERRIDE = 0.5;

export class OfflineRecognizer implements Recognizer {
  readonly startup: OfflineRecognizerStartup;
  private readonly model: IntentModel;
  private offerings: OfferingMatcher<MatchableOffering>;

  /** Trains the classifier (or loads it from the cache): synchronous, 1–3 s cold, well under 100 ms cached. */
  constructor(options: OfflineRecognizerOptions = {}) {
    const started = performance.now();
    const corpus = loadCorpus(options.corpusPath ?? TRAIN_CORPUS_PATH);
    const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
    const settings = options.model ?? {};
    const key = createHash('sha256')
      .update(corpus.hash)
      .update(JSON.stringify(settings))
      .update(MODEL_SOURCES.map((file) => readFileSync(new URL(`./${file}`, import.meta.url))).join('\n'))
      .digest('hex')
      .slice(0, 24);
    const cacheFile = cacheDir === false ? undefined : join(cacheDir, `offline-intent-model-${key}.json`);
    const cached = cacheFile ? readCachedModel(cacheFile) : undefined;
    this.model = cached ?? IntentModel.train(corpus.utterances.map(({ text, intent }) => ({ text, label: intent })), settings);
    if (!cached && cacheFile) writeCachedModel(cacheFile, this.model);
    this.offerings = new OfferingMatcher(options.offerings ?? []);
    this.startup = { ms: performance.now() - started, fromCache: cached !== undefined, examples: corpus.utterances.length };
  }

  /** Replaces the catalog the offer entities are matched against (after a catalog change). */
  setOfferings(offerings: readonly MatchableOffering[]): void {
    this.offerings = new OfferingMatcher(offerings);
  }

  async recognize(text: string, options: RecognizeOptions = {}): Promise<Recognition> {
    return this.recognizeNow(text, options);
  }

  /** recognize without the promise: for the evaluation and the benchmark. */
  recognizeNow(text: string, options: RecognizeOptions = {}): Recognition {
    const entities = [...extractEntities(text, options.referenceDate), ...this.offerMentions(text)];
    const ruled = ruleFor(text);
    if (ruled) return { text, intent: ruled.intent, confidence: ruled.confidence, entities, alternatives: [] };
    const ranked = this.rank(text);
    const [best, ...rest] = ranked;
    if (!best) return { text, intent: 'none', confidence: 1, entities, alternatives: [] };
    return {
      text,
      intent: best.intent,
      confidence: round(best.confidence),
      entities,
      alternatives: rest.slice(0, 2).map(({ intent, confidence }) => ({ intent, confidence: round(confidence) })),
    };
  }

  /** The catalog offerings the text names, as offer entities (the value is the offering's code). */
  private offerMentions(text: string): Entity[] {
    return this.offerings.mentions(text).map(({ offering, text: said }) => ({ type: 'offer', value: offering.code, text: said }));
  }

  /** Every intent with its probability, likeliest first; a multi-sentence message is judged by its request. */
  private rank(text: string): Array<{ intent: Intent; confidence: number }> {
    let predictions = this.model.predict(text);
    const top = predictions[0];
    const sentences = splitSentences(text);
    if (top && sentences.length > 1 && CONVERSATIONAL.has(toIntent(top.label))) {
      let strongest: Prediction[] | undefined;
      for (const sentence of sentences) {
        const ranked = this.model.predict(sentence);
        const first = ranked[0];
        if (!first || CONVERSATIONAL.has(toIntent(first.label)) || first.probability < SENTENCE_OVERRIDE) continue;
        if (!strongest || first.probability > (strongest[0]?.probability ?? 0)) strongest = ranked;
      }
      if (strongest) predictions = strongest;
    }
    return predictions.map(({ label, probability }) => ({ intent: toIntent(label), confidence: probability }));
  }
}

/** What a rule is sure of, if anything. */
function ruleFor(text: string): { intent: Intent; confidence: number } | undefined {
  const tokens = normalizeTokens(text);
  if (tokens.length === 0) return /\S/.test(text) ? { intent: 'none', confidence: 0.9 } : { intent: 'none', confidence: 1 };
  const phrase = tokens.filter((token) => token !== '?').join(' ');
  if (OPT_OUT_WORDS.has(phrase)) return { intent: 'optout', confidence: 0.99 };
  if (AFFIRM_ANSWERS.has(phrase)) return { intent: 'affirm', confidence: 0.97 };
  if (DENY_ANSWERS.has(phrase)) return { intent: 'deny', confidence: 0.97 };
  const references = tokens.filter((token) => token in REFERENCE_INTENTS);
  const [reference] = references;
  if (references.length === 1 && reference && tokens.every((token) => token === reference || REFERENCE_FILLER.has(token))) {
    const intent = REFERENCE_INTENTS[reference];
    if (intent) return { intent, confidence: 0.95 };
  }
  return undefined;
}

function toIntent(label: string): Intent {
  return INTENTS.find((intent) => intent === label) ?? 'none';
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function readCachedModel(file: string): IntentModel | undefined {
  try {
    return IntentModel.fromSnapshot(intentModelSnapshot.parse(JSON.parse(readFileSync(file, 'utf8'))));
  } catch {
    return undefined;
  }
}

/** Best effort: a read-only disk only costs the next start-up a retraining. */
function writeCachedModel(file: string, model: IntentModel): void {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(model.toSnapshot()));
    renameSync(temporary, file);
    // Models of older corpora are never read again.
    for (const name of readdirSync(dir)) {
      if (name.startsWith('offline-intent-model-') && name.endsWith('.json') && name !== basename(file)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // Training again next time is the only consequence.
  }
}
