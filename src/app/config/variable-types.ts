import { z } from 'zod';

// Value types that several areas' variables share, each parsed into what the code uses.

/** true/false, 1/0 or yes/no. */
export const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const DURATION_UNITS_MS = new Map([['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]]);

/** A duration such as 1500ms, 90s, 30m, 4h or 2d, in milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 1500ms, 90s, 30m, 4h or 2d')
  .transform((text) => {
    const [, amount = '0', unit = 'ms'] = /^(\d+)(ms|s|m|h|d)$/.exec(text) ?? [];
    return Number(amount) * (DURATION_UNITS_MS.get(unit) ?? 1);
  })
  .pipe(z.number().int().min(1, 'must be longer than 0'));

/** A local time of day, HH:MM, as minutes after midnight. */
export const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 21:00')
  .transform((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5)));

/** A money amount as a decimal string (never a float), e.g. 25.00. */
export const amount = (example: string) => z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, `must be an amount such as ${example}`);
