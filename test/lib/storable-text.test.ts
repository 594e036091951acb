import { describe, expect, it } from 'vitest';
import { toStorableText } from '../../src/lib/storable-text.ts';

describe('toStorableText', () => {
  it.each([
    ['clean text, untouched', 'hello, world', 'hello, world'],
    ['a NUL', 'a\u0000b', 'a\uFFFDb'],
    ['a lone high surrogate', 'a\uD83Db', 'a\uFFFDb'],
    ['a lone low surrogate', 'a\uDE00b', 'a\uFFFDb'],
    ['a high surrogate at the end', 'ab\uD83D', 'ab\uFFFD'],
    ['two high surrogates before a low one: the first is alone', '\uD83D\uD83D\uDE00', '\uFFFD\uD83D\uDE00'],
    ['an emoji (a surrogate pair), kept', 'ok \uD83D\uDE00', 'ok \uD83D\uDE00'],
    ['other control characters, kept', 'tab\tnew\nline\u0007', 'tab\tnew\nline\u0007'],
  ])('%s', (_name, input, stored) => {
    expect(toStorableText(input)).toBe(stored);
    // One unit for one: the original length is kept, and a second pass changes nothing.
    expect(toStorableText(input)).toHaveLength(input.length);
    expect(toStorableText(toStorableText(input))).toBe(stored);
  });

  it('leaves no character PostgreSQL or a UTF-8 encoder would refuse', () => {
    const nasty = Array.from({ length: 2000 }, (_, i) => String.fromCharCode([0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 65][i % 6] ?? 0)).join('');
    const stored = toStorableText(nasty);
    expect(stored.includes('\u0000')).toBe(false);
    // A lone surrogate would not survive UTF-8 (the encoder replaces it); the pairs the mix makes do.
    expect(Buffer.from(stored, 'utf8').toString('utf8')).toBe(stored);
    expect(stored).toHaveLength(nasty.length);
  });
});
