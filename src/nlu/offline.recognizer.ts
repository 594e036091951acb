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

// A yes or a no at the start of a longer message ("YES its working now thx", "nope still dropping").
const YES_WORDS = new Set(['yes', 'yeah', 'yep', 'yup', 'yea', 'ya', 'yah', 'yess', 'yass', 'sure', 'absolutely', 'definitely', 'correct', 'affirmative', 'totally', 'ofc']);
const NO_WORDS = new Set(['no', 'nope', 'nah', 'naw', 'nop', 'negative']);
// Words before the answer that change nothing ("oh yes", "well no", "ok sure").
const LEAD_FILLER = new Set(['oh', 'well', 'um', 'umm', 'uh', 'hmm', 'ah', 'so', 'and', 'ok', 'actually']);
// The words after a "no" that make it an answer; "no problem", "no internet" are not.
const NO_FOLLOWERS = new Set(['i', 'it', 'its', 'is', 'still', 'thanks', 'thank', 'not', 'that', 'this', 'please', 'sorry', 'just', 'do', 'the', 'we', 'you', 'nothing', 'way', 'change', 'luck', 'better', 'same', 'nope', 'no', 'but', 'never', 'leave', 'keep', 'cancel', 'dont', 'did', 'does', 'didnt', 'doesnt', 'wrong', 'thx', 'ty', 'sir', 'maam', 'mate', 'ok', 'actually', 'wait', 'instead', 'go', 'continue']);
// "didn't help", "no help": a no to "did that fix it?", not a request for help.
const NOT_HELPED = /\b(?:not|no|never|nothing) help(?:ed|s|ing)?\b|\bhelp(?:ed)? nothing\b/;
// "not sure", "maybe", "idk": neither yes nor no, whatever words follow.
const HEDGE = /^(?:(?:oh|well|um+|uh|hmm+|ok)\s+)*(?:not (?:sure|certain|really sure|100)|unsure|maybe|perhaps|possibly|dunno|idk|no idea|i (?:am not sure|do not know|dunno|guess)|do not know|kind of|kinda|sort of|sorta|hard to say|depends)\b/;
// "still broken", "not yet": a no to "is it working again?".
const STILL_BROKEN = /^(?:still (?:not|no|broken|down|dead|dropping|slow|the same|bad|off|out|nothing|buffering|freezing|cutting)|not (?:yet|really|at all|quite|fixed|working))\b/;
// An explicit request for a person, which wins over whatever else an angry message says.
const PERSON_REQUEST =
  /\b(?:(?:i|we) (?:want|need|demand|would like)|want|need|get me|give me|(?:can|could|may) i (?:talk|speak|get|have|chat)|let me (?:talk|speak)|put me (?:through )?to|connect me (?:to|with)|transfer me to|(?:talk|speak|chat) (?:to|with))\s+(?:(?:a|an|the|your|one of your|some|to)\s+)*(?:real |live |actual |proper )?(?:human|humans|person|agent|representative|representatives|manager|supervisor|operator|someone|somebody)\b/;
const PERSON_REQUEST_NEGATED = /\b(?:do not|not|never|no)\s+(?:want|need)\b[^.?!]*\b(?:human|person|agent|representative)\b/;
const PERSON_BY_SOMEONE = /\b(?:someone|somebody)\b/;

// Saying it is a complaint ("I want to make a formal complaint", "I'm complaining about…") is a
// complaint, whatever else the message says; asking after one ("any update on my complaint") is a
// status question, which the model answers.
const COMPLAINT = /\b(?:complain|complains|complained|complaining|complaint|complaints)\b/;
const COMPLAINT_FOLLOW_UP = /\b(?:update|updates|status|looked at|escalated|checking in|check on|any news|heard back|progress|reference)\b/;

// Asking to be sent promotions is the marketing-texts setting turned on, not a look at today's offers.
const MARKETING_OPT_IN =
  /\b(?:text|send|sms|message|email) (?:me|us)\b(?: \w+){0,4} (?:promos?|promotions?|deals|offers|marketing|discounts|specials)\b(?! (?:now|today|right now))|\b(?:sign me up for|subscribe me to|opt me in(?: to| for)?|opt in (?:to|for)|i want|put me on)\b(?: \w+){0,3} (?:promo|promotional|marketing|deal|offer)s? (?:texts?|messages?|sms|list)\b/;
const NEGATED_OPT_IN = /\b(?:stop|not|no more|never|quit)\b/;

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
    const entities = [...extractEntities(text, options.referenceDate, options.timeZone), ...this.offerMentions(text)];
    const tokens = normalizeTokens(text);
    const answer = answerOf(tokens);
    const withAnswer = <T extends object>(recognition: T) => (answer ? { ...recognition, answer } : recognition);
    const ruled = ruleFor(text);
    if (ruled) return withAnswer({ text, intent: ruled.intent, confidence: ruled.confidence, entities, alternatives: [] });
    const ranked = this.rank(text);
    const [best, ...rest] = ranked;
    if (!best) return withAnswer({ text, intent: 'none', confidence: 1, entities, alternatives: [] });
    const alternatives = (skip: Intent) =>
      ranked
        .filter(({ intent }) => intent !== skip)
        .slice(0, 2)
        .map(({ intent, confidence }) => ({ intent, confidence: round(confidence) }));
    if (best.intent === 'help' && NOT_HELPED.test(tokens.join(' '))) return { text, intent: 'deny', confidence: 0.9, entities, alternatives: alternatives('deny'), answer: 'no' };
    const phrase = tokens.join(' ');
    if (MARKETING_OPT_IN.test(phrase) && !NEGATED_OPT_IN.test(phrase)) return withAnswer({ text, intent: 'profile.update', confidence: 0.95, entities, alternatives: alternatives('profile.update') });
    if (asksForPerson(tokens)) return withAnswer({ text, intent: 'agent.request', confidence: 0.95, entities, alternatives: alternatives('agent.request') });
    if (COMPLAINT.test(phrase) && !COMPLAINT_FOLLOW_UP.test(phrase)) return withAnswer({ text, intent: 'complaint', confidence: 0.95, entities, alternatives: alternatives('complaint') });
    if (HEDGE.test(tokens.join(' ')) && (best.intent === 'affirm' || best.intent === 'deny')) {
      return { text, intent: 'none', confidence: 0.9, entities, alternatives: alternatives('none') };
    }
    // "YES its working now thx" is a yes with thanks, not thanks: the answer decides a short reply.
    if (answer && ANSWERABLE.has(best.intent)) {
      const intent: Intent = answer === 'yes' ? 'affirm' : 'deny';
      return { text, intent, confidence: Math.max(0.9, round(best.confidence)), entities, alternatives: alternatives(intent), answer };
    }
    return withAnswer({ text, intent: best.intent, confidence: round(best.confidence), entities, alternatives: alternatives(best.intent) });
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

// A message the model reads as one of these, opening with a yes or a no, is that yes or no.
const ANSWERABLE = new Set<Intent>(['greeting', 'thanks', 'goodbye', 'affirm', 'deny', 'none']);

/** The yes or no a message opens with, if it clearly does. */
function answerOf(tokens: readonly string[]): 'yes' | 'no' | undefined {
  const words = tokens.filter((token) => token !== '?');
  const phrase = words.join(' ');
  if (HEDGE.test(phrase)) return undefined;
  let at = 0;
  while (at < words.length - 1 && LEAD_FILLER.has(words[at] ?? '') && words[at] !== 'ok') at += 1;
  const first = words[at] ?? '';
  const next = words[at + 1] ?? '';
  if (first === 'ok') {
    // "ok" alone, "ok sure", "ok go ahead", "ok do it": a yes; "ok but", "ok thanks": not clearly one.
    if (next === '' || YES_WORDS.has(next) || ['go', 'do', 'please', 'lets', 'fine'].includes(next)) return words.slice(at + 1).includes('but') ? undefined : 'yes';
    return undefined;
  }
  if (YES_WORDS.has(first)) {
    // "definitely not" is a no; "yes but…" is not clearly anything.
    if (next === 'not' || next === 'no') return ['definitely', 'absolutely', 'totally'].includes(first) ? 'no' : undefined;
    if (words.slice(at + 1, at + 4).includes('but')) return undefined;
    return 'yes';
  }
  // "no still broken", "no, it's the same", "no i want…" — but "no internet", "no signal" describe a fault.
  if (NO_WORDS.has(first)) return next === '' || NO_FOLLOWERS.has(next) ? 'no' : undefined;
  if (STILL_BROKEN.test(words.slice(at).join(' '))) return 'no';
  return undefined;
}

/** Whether a sentence of the message asks outright for a person ("I want a human now"). */
function asksForPerson(tokens: readonly string[]): boolean {
  const phrase = tokens.join(' ');
  if (!PERSON_REQUEST.test(phrase) || PERSON_REQUEST_NEGATED.test(phrase)) return false;
  const match = PERSON_REQUEST.exec(phrase)?.[0] ?? '';
  // "someone" is a person only to talk to: "i need someone to fix my wifi" is a fault.
  if (PERSON_BY_SOMEONE.test(match)) return /\b(?:talk|speak|chat)\b/.test(match) && !/\b(?:someone|somebody) (?:to (?:fix|come|look|repair|check|install|send)|who can fix)\b/.test(phrase);
  return true;
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
