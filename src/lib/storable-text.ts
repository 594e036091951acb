// Text from outside as PostgreSQL can store it. A `text` column refuses the NUL character, and
// Unicode has no code point for a lone UTF-16 surrogate (PostgreSQL refuses one in JSON, drivers
// turn it into bytes that are no UTF-8): both become U+FFFD, the replacement character.

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_UNSTORABLE = /[\0\uD800-\uDFFF]/;

export const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * `text` with every NUL and lone surrogate replaced by U+FFFD. One UTF-16 unit replaces one, so
 * the stored text keeps the original's length (and every other character's position); the
 * replacement character shows where something unreadable was. Idempotent.
 */
export function toStorableText(text: string): string {
  // Nearly every message is clean: one scan, no copy.
  if (!HAS_UNSTORABLE.test(text)) return text;
  return text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}
