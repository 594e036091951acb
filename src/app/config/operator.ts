import { z } from 'zod';

/** How the bot names the operator and where it sends people who need a human. */
export const operatorVariables = z.object({
  /** Default Northwind Telecom. */
  OPERATOR_NAME: z.string().min(1).default('Northwind Telecom'),
  /** Default +1 555 010 0100. */
  OPERATOR_SUPPORT_PHONE: z.string().min(3).default('+1 555 010 0100'),
  /** Default https://support.example.com. */
  OPERATOR_SUPPORT_URL: z.url().default('https://support.example.com'),
  /** IANA time zone for dates in customer messages. Default America/New_York. */
  OPERATOR_TIME_ZONE: z
    .string()
    .refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', 'must be an IANA time zone such as Europe/London')
    .default('America/New_York'),
});

export function operatorSettings(env: z.output<typeof operatorVariables>) {
  return { name: env.OPERATOR_NAME, supportPhone: env.OPERATOR_SUPPORT_PHONE, supportUrl: env.OPERATOR_SUPPORT_URL, timeZone: env.OPERATOR_TIME_ZONE };
}
