import { damerauLevenshtein } from '../../lib/spelling.ts';
import type { ServiceType } from '../../generated/prisma/client.ts';

// Finds the offering a customer means from what they typed: its code ("FIBER-1G"), its name in
// full or in part ("unlimited plus"), misspelt ("unlimted plus", "movis"), or its keywords
// ("static ip", "sports"). Words every offering of a kind shares ("internet", "plan") never pick
// one on their own; rarer words count for more. When the best few score alike the answer is
// ambiguous and every close candidate is returned, for the customer to choose.

/** What the search needs of an offering. */
export interface SearchableOffering {
  code: string;
  name: string;
  serviceType: ServiceType;
  keywords: readonly string[];
}

export interface OfferingSearchResult<T extends SearchableOffering> {
  /** The offering meant and its close alternatives, best first (the alternatives serve "no, the other one"). */
  matches: T[];
  /** True when no match stands out: the customer should choose. */
  ambiguous: boolean;
}

// Words that say what kind of thing is wanted, not which one.
const GENERIC = new Set([
  'internet', 'broadband', 'wifi', 'fiber', 'mobile', 'cell', 'phone', 'tv', 'television', 'channels', 'cable', 'landline',
  'plan', 'plans', 'package', 'pack', 'bundle', 'service', 'line', 'add', 'addon', 'on', 'option', 'deal', 'offer',
]);
// Words that carry no meaning for the search.
const STOP_WORDS = new Set([
  'i', 'id', 'im', 'a', 'an', 'the', 'to', 'for', 'of', 'and', 'or', 'me', 'my', 'please', 'pls', 'plz', 'want', 'wanna', 'would',
  'like', 'get', 'order', 'buy', 'sign', 'up', 'can', 'could', 'you', 'have', 'that', 'this', 'one', 'it', 'is', 'no', 'yes', 'new',
  'upgrade', 'switch', 'change', 'move', 'go', 'with', 'instead', 'actually', 'rather', 'need', 'some', 'about', 'what', 'your',
]);
/** A candidate scoring at least this share of the best one is a close alternative. */
const CLOSE = 0.8;
/** At most this many candidates are offered when the text is ambiguous. */
const MAX_CANDIDATES = 4;

interface IndexedOffering<T> {
  offering: T;
  code: string;
  name: string;
  /** Distinctive words of the name and keywords. */
  words: Set<string>;
  nameWords: string[];
}

/** Searches a catalog; build once per catalog, query many times. */
export class OfferingSearch<T extends SearchableOffering> {
  private readonly indexed: IndexedOffering<T>[];
  private readonly weight = new Map<string, number>();

  constructor(catalog: readonly T[]) {
    this.indexed = catalog.map((offering) => {
      const nameWords = tokenize(offering.name).filter((word) => !GENERIC.has(word));
      const keywordWords = offering.keywords.flatMap(tokenize).filter((word) => !GENERIC.has(word) && !STOP_WORDS.has(word));
      return {
        offering,
        code: normaliseCode(offering.code),
        name: tokenize(offering.name).join(' '),
        words: new Set([...nameWords, ...keywordWords]),
        nameWords,
      };
    });
    const documents = new Map<string, number>();
    for (const entry of this.indexed) for (const word of entry.words) documents.set(word, (documents.get(word) ?? 0) + 1);
    const total = Math.max(this.indexed.length, 1);
    for (const [word, count] of documents) this.weight.set(word, 1 + Math.log(total / count));
  }

  /** The offerings the text names, best first; restricted to one service type when given. */
  search(text: string, serviceType?: ServiceType): OfferingSearchResult<T> {
    const pool = serviceType ? this.indexed.filter((entry) => entry.offering.serviceType === serviceType) : this.indexed;
    const code = normaliseCode(text);
    const byCode = pool.find((entry) => entry.code === code);
    if (byCode) return { matches: [byCode.offering], ambiguous: false };
    const tokens = tokenize(text);
    const phrase = tokens.join(' ');
    const byName = pool.find((entry) => entry.name === phrase || (entry.name.length > 0 && ` ${phrase} `.includes(` ${entry.name} `)));
    if (byName) return { matches: [byName.offering], ambiguous: false };

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

/** 1 for the same word, less for a prefix or a typo, 0 otherwise. */
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
