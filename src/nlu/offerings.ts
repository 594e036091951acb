import { daleChall } from 'dale-chall';
import { damerauLevenshtein } from '../lib/spelling.ts';
import type { Entity } from './recognizer.ts';

// Finds the catalog offering a customer means ("the 1 gig plan", "sports package", "hbo") among
// the live catalog's names and keywords, tolerating typos. Words every offering of a kind shares
// ("internet", "tv", "plan") never pick an offering on their own, so "my internet is down" names
// no offering; rarer words count for more, and a name said in full counts most.

/** A ProductOffering as the matcher needs it. */
export interface CatalogOffering {
  /** The offering's code ("FIBER-1G"): the entity's value. Without one, the name is. */
  code?: string;
  name: string;
  /** Words customers use for it ("gig", "sports"). */
  keywords?: readonly string[];
}

// Words that name a kind of service or of product, not one offering.
const GENERIC = new Set([
  'internet', 'broadband', 'wifi', 'fiber', 'mobile', 'cell', 'phone', 'tv', 'television', 'channels', 'cable',
  'data', 'landline', 'plan', 'package', 'pack', 'add', 'on', 'the', 'a', 'service', 'line', 'calling', 'call', 'calls', 'premium',
]);
// A single word taken from an offering's name names it only if it is unusual: "home" (Home Phone)
// or "static" (Static IP) mean other things on their own. Keywords are chosen for matching and
// always count.
const EVERYDAY = new Set([...daleChall, 'static', 'extra', 'device', 'plus', 'protect', 'protection']);
// Words a number needs beside it to be a product mention ("300 plan", "10 gb") and not a count.
const UNIT_WORDS = new Set(['plan', 'package', 'mbps', 'gig', 'gigabit', 'gb', 'fiber', 'internet', 'speed', 'data', 'pack']);

/** One distinctive word (any non-generic term) is enough to name an offering. */
const MIN_SCORE = 1;

interface Term {
  tokens: string[];
  weight: number;
}

interface IndexedOffering {
  value: string;
  terms: Term[];
  /** The name's distinctive words: the share of them mentioned breaks ties. */
  nameWords: string[];
  fullName: string[];
}

export class OfferingMatcher {
  private readonly offerings: IndexedOffering[];

  constructor(catalog: readonly CatalogOffering[]) {
    const termsOf = (offering: CatalogOffering): string[][] => {
      const name = tokenize(offering.name);
      const nameWords = name.filter((word) => !GENERIC.has(word) && !EVERYDAY.has(word)).map((word) => [word]);
      const phrases = [name, ...nameWords, ...(offering.keywords ?? []).map(tokenize)];
      const unique = new Map(phrases.filter((phrase) => phrase.length > 0).map((phrase) => [phrase.join(' '), phrase]));
      return [...unique.values()].filter((phrase) => !(phrase.length === 1 && GENERIC.has(phrase[0] ?? '')));
    };
    const perOffering = catalog.map((offering) => ({ offering, phrases: termsOf(offering) }));
    const documentFrequency = new Map<string, number>();
    for (const { phrases } of perOffering) for (const phrase of phrases) documentFrequency.set(phrase.join(' '), (documentFrequency.get(phrase.join(' ')) ?? 0) + 1);
    const total = Math.max(catalog.length, 1);
    this.offerings = perOffering.map(({ offering, phrases }) => {
      const fullName = tokenize(offering.name);
      return {
        value: offering.code ?? offering.name,
        fullName,
        nameWords: fullName.filter((word) => !GENERIC.has(word)),
        terms: phrases.map((tokens) => ({ tokens, weight: (1 + Math.log(total / (documentFrequency.get(tokens.join(' ')) ?? 1))) * tokens.length })),
      };
    });
  }

  /** The offering the text names, if one stands out (two when they tie exactly). */
  match(text: string): Entity[] {
    const cleaned = text.replace(/\$\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars?|bucks|usd)\b|\b(?:tt|ord|inv|adj)[-\s#]?\d+\b|\+?\d[\d\s().-]{8,}\d/gi, ' ');
    const tokens = tokenize(cleaned);
    if (tokens.length === 0) return [];
    const scored = this.offerings
      .map((offering) => {
        let score = 0;
        let firstAt = Number.POSITIVE_INFINITY;
        let lastAt = -1;
        for (const term of offering.terms) {
          const at = findPhrase(tokens, term.tokens, offering.fullName);
          if (at < 0) continue;
          score += term.weight;
          firstAt = Math.min(firstAt, at);
          lastAt = Math.max(lastAt, at + term.tokens.length);
        }
        const mentioned = offering.nameWords.filter((word) => tokens.some((token) => sameWord(token, word))).length;
        if (score > 0 && offering.nameWords.length > 0) score += mentioned / offering.nameWords.length;
        return { offering, score, firstAt, lastAt };
      })
      .filter((candidate) => candidate.score >= MIN_SCORE)
      .sort((a, b) => b.score - a.score);
    const best = scored[0];
    if (!best) return [];
    const tied = scored.filter((candidate) => candidate.score >= best.score - 1e-9);
    if (tied.length > 2) return [];
    const words = tokenize(cleaned);
    return tied.map(({ offering, firstAt, lastAt }) => ({ type: 'offer', value: offering.value, text: words.slice(firstAt, lastAt).join(' ') }));
  }
}

/** Lower-case words, with "1gig" → "1 gig", "wi-fi" → "wifi", "fibre" → "fiber". */
function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/\bwi[-\s]?fi\b/g, 'wifi')
      .replace(/\bfibre\b/g, 'fiber')
      .replace(/(\d)([a-z])/g, '$1 $2')
      .match(/[a-z0-9]+/g) ?? []
  ).map((word) => (word === 'movie' ? 'movies' : word));
}

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
