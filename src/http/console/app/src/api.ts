import type { z } from 'zod';
import { apiErrorSchema } from '../../api-schemas.ts';

// Every call from the console to the server goes through api(): it sends the session cookie
// (same origin), adds the CSRF header on unsafe methods, parses the answer with the shared zod
// schema, and turns a 401 into the sign-in page.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The server's machine-readable code, e.g. staff_role_forbidden. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;
const signedOutListeners = new Set<() => void>();

/** The session's CSRF token, sent as x-csrf-token on POST, PUT, PATCH and DELETE. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called whenever the server says the session is gone (401): the shell shows the sign-in page. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls the console API and returns the answer parsed by `schema` (null schema: no body expected). */
export async function api<T>(path: string, schema: z.ZodType<T>, options?: ApiOptions): Promise<T>;
export async function api(path: string, schema: null, options?: ApiOptions): Promise<void>;
export async function api<T>(path: string, schema: z.ZodType<T> | null, options: ApiOptions = {}): Promise<T | void> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (!response.ok) throw await toApiError(response, path);
  if (schema === null || response.status === 204) return;
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new ApiError(response.status, 'unexpected_response', `The server's answer to ${path} was not what the console expects.`);
  return parsed.data;
}

async function toApiError(response: Response, path: string): Promise<ApiError> {
  const body = apiErrorSchema.safeParse(await response.json().catch(() => undefined));
  const error = body.success
    ? new ApiError(response.status, body.data.error.code, body.data.error.message, body.data.error.details)
    : new ApiError(response.status, 'http_error', `${path} answered ${response.status}.`);
  // A failed sign-in is a 401 too, but it is an answer to show, not a session that ended.
  if (response.status === 401 && error.code === 'staff_sign_in_required') {
    setCsrfToken(undefined);
    for (const listener of signedOutListeners) listener();
  }
  return error;
}
