// Customer-facing references: orders ORD-<n>, trouble tickets TT-<n>, bills INV-<n>, bill
// adjustments ADJ-<n>. Customers type them in any case, with a space, "#" or nothing after the
// prefix ("tt 100001", "Ord#77", "inv10003"); the bot always quotes the canonical form.

export type ReferenceKind = 'order' | 'ticket' | 'bill' | 'adjustment';

export const REFERENCE_PREFIXES: Readonly<Record<ReferenceKind, string>> = { order: 'ORD', ticket: 'TT', bill: 'INV', adjustment: 'ADJ' };

/** Regex source of a reference of this kind, its number captured: for patterns that find references inside longer text. */
export function referencePattern(kind: ReferenceKind): string {
  return String.raw`${REFERENCE_PREFIXES[kind]}[-\s#]?(\d{1,9})`;
}

const WHOLE_REFERENCE: Readonly<Record<ReferenceKind, RegExp>> = {
  order: new RegExp(`^${referencePattern('order')}$`, 'i'),
  ticket: new RegExp(`^${referencePattern('ticket')}$`, 'i'),
  bill: new RegExp(`^${referencePattern('bill')}$`, 'i'),
  adjustment: new RegExp(`^${referencePattern('adjustment')}$`, 'i'),
};

/** "ORD-100001" for order number 100001. */
export function formatReference(kind: ReferenceKind, number: number): string {
  return `${REFERENCE_PREFIXES[kind]}-${number}`;
}

/** The number in a customer-typed reference of this kind ("ord-100001", "ORD 100001", "Ord#100001"), if it is one. */
export function parseReference(kind: ReferenceKind, text: string): number | undefined {
  const match = WHOLE_REFERENCE[kind].exec(text.trim());
  return match?.[1] ? Number(match[1]) : undefined;
}

export const formatOrderReference = (number: number): string => formatReference('order', number);
export const formatTicketReference = (number: number): string => formatReference('ticket', number);
export const formatBillReference = (number: number): string => formatReference('bill', number);
export const formatAdjustmentReference = (number: number): string => formatReference('adjustment', number);
export const parseOrderReference = (text: string): number | undefined => parseReference('order', text);
export const parseTicketReference = (text: string): number | undefined => parseReference('ticket', text);
export const parseBillReference = (text: string): number | undefined => parseReference('bill', text);
export const parseAdjustmentReference = (text: string): number | undefined => parseReference('adjustment', text);
