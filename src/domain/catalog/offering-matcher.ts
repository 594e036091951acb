import { daleChall } from 'dale-chall';
import type { ServiceType } from '../../generated/prisma/enums.ts';
import { damerauLevenshtein } from '../../lib/spelling.ts';
import { REFERENCE_PREFIXES } from '../references.ts';

// The one place that decides which catalog offering a customer's words mean, for the dialogs'
// lookUp ("which plan?" answered with "unlimted plus", "movis", "FIBER-1G") and for the
// recogniser's offer entity (a free sentence such as "sign me up for the 1 gig plan"). Both
// read the same index: one tokenizer, one list of generic words, one typo rule, rarer words
// weighing more. A mention in a free sentence must also pass stricter rules (no prefixes, no
// everyday name word alone, a number only beside a unit) and is always one of lookUp's answers,
// so the recogniser and the catalog never name different offerings for the same words.

/** What the matcher needs of an offering. */
export interface MatchableOffering {
  code: string;
  name: string;
  /** Words customers use for it ("gig", "sports"). */
  keywords: readonly string[];
  /** Known for catalog rows; lookUp restricted to a service type needs it. */
  serviceType?: ServiceType;
}

export interface OfferingLookUpResult<T extends MatchableOffering> {
  /** The offering meant and its close alternatives, best first (the alternatives serve "no, the other one"). */
  matches: T[];
  /** True when no match stands out: the customer should choose. */
  ambiguous: boolean;
}

/** An offering named in a free sentence, with the words that named it. */
export interface OfferingMention<T extends MatchableOffering> {
  offering: T;
  text: string;
}

// Words that say what kind of thing is wanted, not which one.
const GENERIC = new Set([
  'internet', 'broadband', 'wifi', 'fiber', 'mobile', 'cell', 'phone', 'tv', 'television', 'channels', 'cable', 'landline',
  'plan', 'plans', 'package', 'pack', 'bundle', 'service', 'line', 'add', 'addon', 'on', 'option', 'deal', 'offer',
]);
// Generic too in a free sentence, where "data", "calling" or "premium" name no one offering.
const GENERIC_IN_SENTENCE = new Set([...GENERIC, 'data', 'the', 'a', 'calling', 'call', 'calls', 'premium']);
// Words that carry no meaning for the search.
const STOP_WORDS = new Set([
  'i', 'id', 'im', 'a', 'an', 'the', 'to', 'for', 'of', 'and', 'or', 'me', 'my', 'please', 'pls', 'plz', 'want', 'wanna', 'would',
  'like', 'get', 'order', 'buy', 'sign', 'up', 'can', 'could', 'you', 'have', 'that', 'this', 'one', 'it', 'is', 'no', 'yes', 'new',
  'upgrade', 'switch', 'change', 'move', 'go', 'with', 'instead', 'actually', 'rather', 'need', 'some', 'about', 'what', 'your',
]);
// A single word taken from an offering's name names it in a sentence only if it is unusual: "home"
// (Home Phone) or "static" (Static IP) mean other things on their own. Keywords always count.
const EVERYDAY = new Set([...daleChall, 'static', 'extra', 'device', 'plus', 'protect', 'protection']);
// Words a number needs beside it to be a product mention ("300 plan", "10 gb") and not a count.
const UNIT_WORDS = new Set(['plan', 'package', 'mbps', 'gig', 'gb', 'fiber', 'internet', 'speed', 'data', 'pack']);
// Amounts, references and phone numbers hold digits that name no offering.
const NOT_A_MENTION = new RegExp(
  String.raw`\$\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars?|bucks|usd)\b|\b(?:${Object.values(REFERENCE_PREFIXES).join('|')})[-\s#]?\d+\b|\+?\d[\d\s().-]{8,}\d`,
  'gi',
);

/** A candidate scoring at least this share of the best one is a close alternative. */
const CLOSE = 0.8;
/** At most this many candidates are offered when the text is ambiguous. */
const MAX_CANDIDATES = 4;
/** More offerings than this tied in a sentence name none of them. */
const MAX_MENTIONS = 2;

interface Phrase {
  tokens: string[];
  weight: number;
}

interface IndexedOffering<T> {
  offering: T;
  code: string;
  name: string;
  /** Distinctive words of the name and keywords, for lookUp. */
  words: Set<string>;
  nameWords: string[];
  /** The name, its unusual words and the keywords, for mentions in a sentence. */
  phrases: Phrase[];
  fullName: string[];
}

/** Matches text against one catalog; build once per catalog, query many times. */
export class OfferingMatcher<T extends MatchableOffering> {
  private readonly indexed: IndexedOffering<T>[];
  private readonly weight = new Map<string, number>();

  constructor(catalog: readonly T[]) {
    const total = Math.max(catalog.length, 1);
    const phrasesOf = (offering: T): string[][] => {
      const name = tokenize(offering.name);
      const unusual = name.filter((word) => !GENERIC_IN_SENTENCE.has(word) && !EVERYDAY.has(word)).map((word) => [word]);
      const unique = new Map([name, ...unusual, ...offering.keywords.map(tokenize)].filter((phrase) => phrase.length > 0).map((phrase) => [phrase.join(' '), phrase]));
      return [...unique.values()].filter((phrase) => !(phrase.length === 1 && GENERIC_IN_SENTENCE.has(phrase[0] ?? '')));
    };
    const phrases = catalog.map(phrasesOf);
    const phraseDocuments = countDocuments(phrases.map((list) => list.map((phrase) => phrase.join(' '))));
    this.indexed = catalog.map((offering, at) => {
      const fullName = tokenize(offering.name);
      const nameWords = fullName.filter((word) => !GENERIC.has(word));
      const keywordWords = offering.keywords.flatMap(tokenize).filter((word) => !GENERIC.has(word) && !STOP_WORDS.has(word));
      return {
        offering,
        code: normaliseCode(offering.code),
        name: fullName.join(' '),
        words: new Set([...nameWords, ...keywordWords]),
        nameWords,
        fullName,
        phrases: (phrases[at] ?? []).map((tokens) => ({ tokens, weight: (1 + Math.log(total / (phraseDocuments.get(tokens.join(' ')) ?? 1))) * tokens.length })),
      };
    });
    for (const [word, count] of countDocuments(this.indexed.map((entry) => [...entry.words]))) this.weight.set(word, 1 + Math.log(total / count));
  }

  /** The offerings the text names, best first; restricted to one service type when given. */
  lookUp(text: string, serviceType?: ServiceType): OfferingLookUpResult<T> {
    const pool = serviceType ? this.indexed.filter((entry) => entry.offering.serviceType === serviceType) : this.indexed;
    const code = normaliseCode(text);
    const byCode = pool.find((entry) => entry.code === code);
    if (byCode) return { matches: [byCode.offering], ambiguous: false };
    const tokens = tokenize(text);
    const phrase = tokens.join(' ');
    const byName = this.namesSaid(pool, phrase);
    if (byName.length > 0) return { matches: byName.slice(0, MAX_CANDIDATES), ambiguous: byName.length > 1 };

    const query = tokens.filter((token) => !GENERIC.has(token) && !STOP_WORDS.has(token));
    if (query.length === 0) return { matches: [], ambiguous: false };
    const scored = pool
      .map((entry) => ({ entry, ...this.score(entry, query) }))
      .filter((candidate) => candidate.score > 0)
      .sort((a, b) => b.score - a.score);
    const best = scored[0];
    if (!best) return { matches: [], ambiguous: false };
    const close = scored.filter((candidate) => candidate.score >= best.score * CLOSE).slice(0, MAX_CANDIDATES);
    // A name said in full ("unlimited", "sports") stands out from names only partly said.
    const fullySaid = close.filter((candidate) => candidate.fullName);
    const ambiguous = close.length > 1 && fullySaid.length !== 1;
    const first = fullySaid.length === 1 ? fullySaid : [];
    const ordered = [...first, ...close.filter((candidate) => !first.includes(candidate))];
    return { matches: ordered.map((candidate) => candidate.entry.offering), ambiguous };
  }

  /** Offerings whose full name the phrase says, in the order said; "mobile unlimited plus" is not also "mobile unlimited". */
  private namesSaid(pool: readonly IndexedOffering<T>[], phrase: string): T[] {
    const padded = ` ${phrase} `;
    const said = pool.filter((entry) => entry.name.length > 0 && padded.includes(` ${entry.name} `));
    return said
      .filter((entry) => !said.some((other) => other !== entry && ` ${other.name} `.includes(` ${entry.name} `)))
      .sort((a, b) => padded.indexOf(` ${a.name} `) - padded.indexOf(` ${b.name} `))
      .map((entry) => entry.offering);
  }

  /**
   * The offerings a free sentence names (two when they tie), for the recogniser: only what lookUp
   * would answer for the same words, and only when a distinctive word or phrase is said.
   */
  mentions(text: string): OfferingMention<T>[] {
    const cleaned = text.replace(NOT_A_MENTION, ' ');
    const tokens = tokenize(cleaned);
    if (tokens.length === 0) return [];
    // Most sentences name no offering: the cheap phrase scan first, the full look-up only when it found one.
    const sayings = this.sayings(tokens);
    if (sayings.length === 0) return [];
    const lookedUp = this.lookUp(cleaned);
    const answers = lookedUp.ambiguous ? lookedUp.matches : lookedUp.matches.slice(0, 1);
    const said = sayings.filter((saying) => answers.includes(saying.entry.offering));
    const best = said[0];
    if (!best) return [];
    const tied = said.filter((saying) => saying.score >= best.score - 1e-9);
    if (tied.length > MAX_MENTIONS) return [];
    return tied.map(({ entry, firstAt, lastAt }) => ({ offering: entry.offering, text: tokens.slice(firstAt, lastAt).join(' ') }));
  }

  /** Offerings whose name, unusual name words or keywords the tokens say, best first. */
  private sayings(tokens: readonly string[]): Array<{ entry: IndexedOffering<T>; score: number; firstAt: number; lastAt: number }> {
    return this.indexed
      .map((entry) => {
        let score = 0;
        let firstAt = Number.POSITIVE_INFINITY;
        let lastAt = -1;
        for (const phrase of entry.phrases) {
          const at = findPhrase(tokens, phrase.tokens, entry.fullName);
          if (at < 0) continue;
          score += phrase.weight;
          firstAt = Math.min(firstAt, at);
          lastAt = Math.max(lastAt, at + phrase.tokens.length);
        }
        const sentenceNameWords = entry.fullName.filter((word) => !GENERIC_IN_SENTENCE.has(word));
        const mentioned = sentenceNameWords.filter((word) => tokens.some((token) => sameWord(token, word))).length;
        if (score > 0 && sentenceNameWords.length > 0) score += mentioned / sentenceNameWords.length;
        return { entry, score, firstAt, lastAt };
      })
      .filter((candidate) => candidate.score >= 1)
      .sort((a, b) => b.score - a.score);
  }

  private score(entry: IndexedOffering<T>, query: readonly string[]): { score: number; fullName: boolean } {
    let score = 0;
    const matched = new Set<string>();
    for (const token of query) {
      let best = 0;
      let bestWord: string | undefined;
      for (const word of entry.words) {
        const similarity = wordSimilarity(token, word);
        if (similarity > best) {
          best = similarity;
          bestWord = word;
        }
      }
      if (bestWord === undefined) continue;
      score += best * (this.weight.get(bestWord) ?? 1);
      if (entry.nameWords.includes(bestWord)) matched.add(bestWord);
    }
    if (score === 0) return { score: 0, fullName: false };
    // Of two offerings matching the same words, the one whose name the customer said more fully wins.
    const coverage = entry.nameWords.length > 0 ? matched.size / entry.nameWords.length : 0;
    return { score: score + 0.5 * coverage, fullName: coverage === 1 };
  }
}

function countDocuments(documents: ReadonlyArray<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const terms of documents) for (const term of new Set(terms)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** For lookUp: 1 for the same word, less for a prefix or a typo, 0 otherwise. */
function wordSimilarity(token: string, word: string): number {
  if (token === word) return 1;
  if (/\d/.test(token) || /\d/.test(word)) return 0;
  if (token.length >= 3 && word.startsWith(token)) return 0.8;
  if (token.length >= 4 && token.startsWith(word) && word.length >= 4) return 0.8;
  if (token.length >= 4) {
    const allowed = token.length >= 8 ? 2 : 1;
    if (damerauLevenshtein(token, word, allowed) <= allowed) return 0.7;
  }
  return 0;
}

/** For mentions: the same word, a plural, or one typo in a word of five letters or more. */
function sameWord(token: string, word: string): boolean {
  if (token === word) return true;
  if (word.length < 5 || /\d/.test(word)) return false;
  return damerauLevenshtein(token, word, 1) <= 1 || (token.endsWith('s') && token.slice(0, -1) === word);
}

/** Where the phrase starts in the tokens, or -1. A lone number counts only beside a unit or name word. */
function findPhrase(tokens: readonly string[], phrase: readonly string[], name: readonly string[]): number {
  for (let start = 0; start + phrase.length <= tokens.length; start++) {
    if (!phrase.every((word, offset) => sameWord(tokens[start + offset] ?? '', word))) continue;
    if (phrase.length === 1 && /^\d+$/.test(phrase[0] ?? '')) {
      const neighbours = [tokens[start - 1], tokens[start + 1]].filter((token): token is string => token !== undefined);
      if (!neighbours.some((token) => UNIT_WORDS.has(token) || name.includes(token))) continue;
    }
    return start;
  }
  return -1;
}

/** Lower-case words: "Wi-Fi" → "wifi", "fibre" → "fiber", "1gig" → "1 gig", "gigabit" → "gig". */
export function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/\bwi[-\s]?fi\b/g, 'wifi')
      .replace(/\bfibre\b/g, 'fiber')
      .replace(/\badd[-\s]ons?\b/g, 'addon')
      .replace(/(\d)([a-z])/g, '$1 $2')
      .replace(/['’]/g, '')
      .match(/[a-z0-9]+/g) ?? []
  ).map((word) => (word === 'gigabit' ? 'gig' : word === 'movie' ? 'movies' : word));
}

function normaliseCode(text: string): string {
  return text.trim().toUpperCase().replace(/[\s_]+/g, '-');
}
