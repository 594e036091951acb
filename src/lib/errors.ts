// One error type for everything the product reports on purpose; the HTTP layer maps the type.

export type AppErrorType =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'not_allowed'
  | 'rate_limited';

export class AppError extends Error {
  constructor(
    readonly type: AppErrorType,
    /** Stable machine-readable code, e.g. "invalid_signature". */
    readonly code: string,
    /** A sentence a person can act on. */
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const HTTP_STATUS: Record<AppErrorType, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_allowed: 422,
  rate_limited: 429,
  unavailable: 503,
};
