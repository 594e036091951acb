// Corrects misspelt words against the training vocabulary ("interent" → "internet", "refnd" →
// "refund"), SymSpell style: every word's deletions are indexed once, so a lookup only generates
// the deletions of the typed word. Short words are left alone: at three letters a typo is as
// likely to be another real word. Common English words are never "corrected": "mount" is not a
// typo of "amount", and reading it as one would drag "how tall is mount everest" into billing.

export interface SpellingOptions {
  /** Words shorter than this are never corrected. Default 4. */
  minLength?: number;
  /** Words at least this long may be two edits away. Default 9. */
  twoEditsFrom?: number;
  /** Real words to leave alone, with their plural, -ed and -ing forms. Default none. */
  commonWords?: ReadonlySet<string>;
}

export class SpellingCorrector {
  private readonly counts: Map<string, number>;
  private readonly deletes = new Map<string, string[]>();
  private readonly minLength: number;
  private readonly twoEditsFrom: number;
  private readonly commonWords: ReadonlySet<string>;

  constructor(wordCounts: Map<string, number>, options: SpellingOptions = {}) {
    this.counts = wordCounts;
    this.minLength = options.minLength ?? 4;
    this.twoEditsFrom = options.twoEditsFrom ?? 9;
    this.commonWords = options.commonWords ?? new Set();
    for (const word of wordCounts.keys()) {
      if (!/^[a-z]+$/.test(word) || word.length < this.minLength - 1) continue;
      for (const variant of deletions(word, word.length >= this.twoEditsFrom - 1 ? 2 : 1)) {
        const list = this.deletes.get(variant);
        if (list) list.push(word);
        else this.deletes.set(variant, [word]);
      }
    }
  }

  /** The known word closest to `word` (itself when known or not correctable). */
  correct(word: string): string {
    if (this.counts.has(word) || word.length < this.minLength || !/^[a-z]+$/.test(word) || this.isCommonWord(word)) return word;
    // "wrkin", "cuttin": a dropped final g.
    if (word.endsWith('in') && this.counts.has(`${word}g`)) return `${word}g`;
    const maxDistance = word.length >= this.twoEditsFrom ? 2 : 1;
    let best: string | undefined;
    let bestDistance = maxDistance + 1;
    let bestCount = 0;
    for (const variant of deletions(word, maxDistance)) {
      for (const candidate of this.deletes.get(variant) ?? []) {
        if (Math.abs(candidate.length - word.length) > maxDistance) continue;
        const distance = damerauLevenshtein(word, candidate, maxDistance);
        const count = this.counts.get(candidate) ?? 0;
        if (distance < bestDistance || (distance === bestDistance && count > bestCount)) {
          best = candidate;
          bestDistance = distance;
          bestCount = count;
        }
      }
    }
    return best ?? word;
  }

  private isCommonWord(word: string): boolean {
    if (this.commonWords.has(word)) return true;
    const stems = [word.replace(/(?:s|es|ed|ing|er|ly)$/, ''), word.replace(/(?:ed|ing)$/, 'e'), word.replace(/ies$/, 'y'), word.replace(/(.)\1(?:ed|ing)$/, '$1')];
    return stems.some((stem) => stem !== word && this.commonWords.has(stem));
  }
}

/** The word and every string made by deleting up to `depth` of its letters. */
function deletions(word: string, depth: number): Set<string> {
  const result = new Set<string>([word]);
  let frontier = [word];
  for (let level = 0; level < depth; level++) {
    const next: string[] = [];
    for (const item of frontier) {
      if (item.length <= 1) continue;
      for (let i = 0; i < item.length; i++) {
        const shorter = item.slice(0, i) + item.slice(i + 1);
        if (!result.has(shorter)) {
          result.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return result;
}

/** Optimal-string-alignment distance, giving up (returning max + 1) beyond `max`. */
export function damerauLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((d[(i - 1) * cols + j] ?? 0) + 1, (d[i * cols + j - 1] ?? 0) + 1, (d[(i - 1) * cols + j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
  }
  return d[rows * cols - 1] ?? max + 1;
}
