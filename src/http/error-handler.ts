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

/** Error codes that mean the database could not be reached or took no more work (pg, PostgreSQL, Prisma). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', 'P1001', 'P1002', 'P1017', 'P2024']);
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNREACHABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;
const unreachableShape = z.object({
  code: z.unknown().optional(),
  message: z.unknown().optional(),
  cause: z.unknown().optional(),
  meta: z.object({ driverAdapterError: z.object({ cause: z.object({ kind: z.string() }).partial() }).partial() }).partial().optional(),
});

/**
 * True when the error (or one of its causes) says the database is out of reach: a pool that could
 * not connect in time, a refused or dropped connection, a server starting up or shutting down. The
 * request is then answered 503 with Retry-After, not 500: nothing is wrong with it.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const shape = unreachableShape.safeParse(current);
    if (!shape.success) return false;
    const { code, message, meta, cause } = shape.data;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
    const kind = meta?.driverAdapterError?.cause?.kind;
    if (kind !== undefined && UNREACHABLE_KINDS.has(kind)) return true;
    current = cause;
  }
  return false;
}

/** Seconds a client is asked to wait before trying again while the database is out of reach. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

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
    if (isDatabaseUnreachable(error)) {
      logger.warn({ method: req.method, path: req.path, cause: error instanceof Error ? error.message.trim().split('\n').pop() : undefined }, 'request refused: database unreachable');
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      sendAppError(res, new AppError('unavailable', 'database_unavailable', 'The service cannot reach its database right now. Nothing was stored; try again in a few seconds.'));
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
