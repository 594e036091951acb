import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Phone numbers and message bodies are personal data: hidden unless someone asks for debug logs.
const PERSONAL_FIELDS = ['from', 'to', 'text', 'body', 'phoneNumber', 'address'];

/** `destination`: where the lines go (default stdout); tests pass a stream to read what was logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const verbose = level === 'debug' || level === 'trace';
  const options = {
    level,
    base: { service: 'telco-bot' },
    redact: verbose
      ? undefined
      : { paths: [...PERSONAL_FIELDS, ...PERSONAL_FIELDS.map((field) => `*.${field}`)], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
