import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, HTTP_STATUS } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { z } from 'zod';

const bodyParserError = z.object({ type: z.string(), status: z.number() });

/** Maps AppError to its status and code; anything else is logged in full and answered generically. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof AppError) {
      res.status(HTTP_STATUS[error.type]).json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    const parserFailure = bodyParserError.safeParse(error);
    if (parserFailure.success && parserFailure.data.status < 500) {
      const tooLarge = parserFailure.data.type === 'entity.too.large';
      res.status(parserFailure.data.status).json({
        error: tooLarge
          ? { code: 'body_too_large', message: 'The request body is larger than this endpoint accepts.' }
          : { code: 'malformed_body', message: 'The request body could not be read.' },
      });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' } });
  };
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
