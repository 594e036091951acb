/** Normalises a phone number to E.164 (+ and digits); returns undefined when it cannot be one. */
export function toE164(raw: string, defaultCountryCode = '1'): string | undefined {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  if (trimmed.startsWith('+')) return digits.length >= 7 && digits.length <= 15 ? `+${digits}` : undefined;
  if (digits.length === 10 && defaultCountryCode === '1') return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return undefined;
}
