import { pino, type Logger } from 'pino';

export type { Logger };

// Phone numbers and message bodies are personal data: hidden unless someone asks for debug logs.
const PERSONAL_FIELDS = ['from', 'to', 'text', 'body', 'phoneNumber', 'address'];

export function createLogger(level: string): Logger {
  const verbose = level === 'debug' || level === 'trace';
  return pino({
    level,
    base: { service: 'telco-bot' },
    redact: verbose
      ? undefined
      : { paths: [...PERSONAL_FIELDS, ...PERSONAL_FIELDS.map((field) => `*.${field}`)], censor: '[redacted]' },
  });
}
