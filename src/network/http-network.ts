import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  NetworkError,
  type ActivationRequest,
  type ActivationResult,
  type LineTestRequest,
  type LineTestResult,
  type Network,
} from '../domain/network/network.ts';

// The network over HTTP, for real deployments (and the stand-in in network-standin.ts):
//   POST {base}/activations  {step, orderId, itemId, serviceType, offeringCode, action, serviceIdentifier}
//     → 200 {reference, serviceIdentifier?, detail?}
//   POST {base}/line-tests   {ticketId, serviceType, serviceIdentifier, area}
//     → 200 {verdict: "ok"|"fault", faultCode?, detail, reference}
// Each request carries `Idempotency-Key`; the server must answer a repeated key with the first
// answer and never do the work twice. 4xx (except 408 and 429) is a permanent refusal with
// {error: {code, message}}; 5xx, 408, 429, timeouts and connection errors are transient.

export interface HttpNetworkOptions {
  baseUrl: string;
  apiToken?: string | undefined;
  /** Per request. */
  timeoutMs: number;
  /** Immediate retries of a transient failure, with a short doubling pause (100 ms first). */
  retries: number;
}

const activationResponse = z.object({
  reference: z.string().min(1),
  serviceIdentifier: z.string().min(1).optional(),
  detail: z.string().optional(),
});

const lineTestResponse = z.object({
  verdict: z.enum(['ok', 'fault']),
  faultCode: z.string().optional(),
  detail: z.string(),
  reference: z.string().min(1),
});

const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const MAX_PAUSE_MS = 2000;

export class HttpNetwork implements Network {
  constructor(private readonly options: HttpNetworkOptions) {}

  async perform(request: ActivationRequest): Promise<ActivationResult> {
    const { idempotencyKey, attempt, ...body } = request;
    return this.post('/activations', idempotencyKey, attempt, body, activationResponse);
  }

  async runLineTest(request: LineTestRequest): Promise<LineTestResult> {
    const { idempotencyKey, attempt, ...body } = request;
    return this.post('/line-tests', idempotencyKey, attempt, body, lineTestResponse);
  }

  private async post<T>(path: string, idempotencyKey: string, attempt: number, body: object, schema: z.ZodType<T>): Promise<T> {
    let lastError: NetworkError | undefined;
    for (let retry = 0; retry <= this.options.retries; retry++) {
      if (retry > 0) await sleep(Math.min(100 * 2 ** (retry - 1), MAX_PAUSE_MS));
      try {
        return await this.postOnce(path, idempotencyKey, attempt, body, schema);
      } catch (error) {
        if (!(error instanceof NetworkError) || error.kind === 'permanent') throw error;
        lastError = error;
      }
    }
    throw lastError ?? new NetworkError('transient', 'unavailable', `${path} failed`);
  }

  private async postOnce<T>(path: string, idempotencyKey: string, attempt: number, body: object, schema: z.ZodType<T>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          'x-attempt': String(attempt),
          ...(this.options.apiToken ? { authorization: `Bearer ${this.options.apiToken}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new NetworkError('transient', timedOut ? 'timeout' : 'unreachable', timedOut ? `${path} timed out after ${this.options.timeoutMs} ms` : `${path} unreachable`);
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      const parsed = schema.safeParse(parseJson(text));
      if (parsed.success) return parsed.data;
      throw new NetworkError('transient', 'bad_response', `${path} answered ${response.status} with a body we cannot read`);
    }
    const refusal = errorResponse.safeParse(parseJson(text));
    const code = refusal.success ? refusal.data.error.code : `http_${response.status}`;
    const message = refusal.success ? refusal.data.error.message : `${path} answered ${response.status}`;
    const transient = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new NetworkError(transient ? 'transient' : 'permanent', code, message);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
