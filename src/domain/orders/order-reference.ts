// The customer-facing reference of a TMF622 product order: ORD-<number>, recognised in any case.

const ORDER_REFERENCE = /^ORD[-\s#]?(\d{1,9})$/i;

export function formatOrderReference(number: number): string {
  return `ORD-${number}`;
}

/** The order number in a customer-typed reference ("ord-100001", "ORD 100001", "Ord#100001"), if it is one. */
export function parseOrderReference(text: string): number | undefined {
  const match = ORDER_REFERENCE.exec(text.trim());
  return match?.[1] ? Number(match[1]) : undefined;
}
