import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, HTTP_STATUS, type AppErrorType } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { z } from 'zod';

/**
 * A client error raised while the request was read (body-parser and the router use http-errors:
 * a 4xx `status`, and a `type` naming what went wrong).
 */
const requestReadFailure = z.object({ status: z.number().int().min(400).max(499), type: z.string().optional(), errno: z.number().optional() });

/** What each body-parser failure means to the client, by its `type`. */
const READ_FAILURES: Record<string, { type: AppErrorType; code: string; message: string }> = {
  'encoding.unsupported': {
    type: 'unsupported_media_type',
    code: 'unsupported_encoding',
    message: 'The Content-Encoding is not one this endpoint reads; send the body as is, or gzip, deflate or br.',
  },
  'charset.unsupported': { type: 'unsupported_media_type', code: 'unsupported_charset', message: 'The charset is not one this endpoint reads; send UTF-8.' },
  'entity.too.large': { type: 'payload_too_large', code: 'body_too_large', message: 'The request body is larger than this endpoint accepts.' },
  'entity.parse.failed': { type: 'invalid_request', code: 'malformed_body', message: 'The request body could not be read.' },
  'request.size.invalid': { type: 'invalid_request', code: 'malformed_body', message: 'The request body is not as long as its Content-Length says.' },
  'request.aborted': { type: 'invalid_request', code: 'request_aborted', message: 'The request ended before its body did.' },
};

/**
 * The request the client sent could not be read (undecodable encoding, bad JSON, too large, a
 * charset we do not read…): an AppError with a stable code. Undefined for anything else.
 */
function requestReadError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return undefined;
  const failure = requestReadFailure.safeParse(error);
  if (!failure.success) return undefined;
  const known = failure.data.type === undefined ? undefined : READ_FAILURES[failure.data.type];
  if (known) return new AppError(known.type, known.code, known.message);
  // body-parser passes zlib's own error on (a 400 with zlib's errno, untyped) when a body does not decompress.
  if (failure.data.errno !== undefined) {
    return new AppError('invalid_request', 'malformed_body', 'The request body does not decompress as its Content-Encoding says.');
  }
  return new AppError('invalid_request', 'malformed_request', 'The request could not be read.');
}

/**
 * Maps AppError to its status and code; a request that could not be read to its 4xx, logged at
 * warn in a line (an outsider can send one per request: no stack to flood the log); anything
 * else is logged in full and answered generically.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof AppError) {
      sendAppError(res, error);
      return;
    }
    const unreadable = requestReadError(error);
    if (unreadable) {
      logger.warn({ code: unreadable.code, method: req.method, path: req.path, cause: error instanceof Error ? error.message : undefined }, 'request refused: body unreadable');
      sendAppError(res, unreadable);
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' } });
  };
}

function sendAppError(res: Response, error: AppError): void {
  res.status(HTTP_STATUS[error.type]).json({ error: { code: error.code, message: error.message, details: error.details } });
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}.` } });
};

/** Turns a zod failure into a 400 that lists every problem. */
export function invalidRequest(error: z.ZodError, what: string): AppError {
  return new AppError(
    'invalid_request',
    'invalid_request',
    `The ${what} is not valid: ${error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`).join('; ')}.`,
    error.issues.map((issue) => ({ field: issue.path.join('.'), problem: issue.message })),
  );
}
