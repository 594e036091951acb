import { describe, expect, it } from 'vitest';
import { formatReference, parseReference, REFERENCE_PREFIXES, type ReferenceKind } from '../../src/domain/references.ts';

const KINDS: readonly ReferenceKind[] = ['order', 'ticket', 'bill', 'adjustment'];

describe('customer-facing references', () => {
  it.each<[ReferenceKind, string]>([
    ['order', 'ORD-100001'],
    ['ticket', 'TT-100001'],
    ['bill', 'INV-100001'],
    ['adjustment', 'ADJ-100001'],
  ])('formats a %s as %s', (kind, text) => {
    expect(formatReference(kind, 100001)).toBe(text);
  });

  it('reads each kind in any case, with a dash, space, # or nothing after the prefix', () => {
    for (const kind of KINDS) {
      const prefix = REFERENCE_PREFIXES[kind];
      for (const typed of [`${prefix}-42`, `${prefix.toLowerCase()}-42`, ` ${prefix} 42 `, `${prefix}#42`, `${prefix.toLowerCase()}42`]) {
        expect(parseReference(kind, typed), typed).toBe(42);
      }
    }
  });

  it('reads nothing from another kind, bare numbers or words', () => {
    expect(parseReference('order', 'TT-42')).toBeUndefined();
    expect(parseReference('ticket', '42')).toBeUndefined();
    expect(parseReference('bill', 'my bill')).toBeUndefined();
    expect(parseReference('adjustment', 'ADJ-')).toBeUndefined();
  });
});
