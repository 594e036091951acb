import { afterEach, describe, expect, it } from 'vitest';
import { HttpNetwork } from '../../src/network/http-network.ts';
import { startNetworkStandIn, type RunningNetworkStandIn } from '../support/network-standin.ts';
import { NetworkError, type ActivationRequest } from '../../src/domain/network/network.ts';
import type { SimulatorSettings } from '../../src/network/simulator.ts';

const TOKEN = 'network-token-for-tests';
let standIn: RunningNetworkStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function start(failures: SimulatorSettings['failures'] = []): Promise<RunningNetworkStandIn> {
  standIn = await startNetworkStandIn({ seed: 'http', latencyMs: {}, failures, transientAttempts: 1 }, TOKEN);
  return standIn;
}

const request: ActivationRequest = {
  step: 'activate',
  idempotencyKey: 'item-9-activate',
  orderId: 'order-9',
  itemId: 'item-9',
  serviceType: 'mobile',
  offeringCode: 'MOBILE-UNLIMITED',
  action: 'add',
  serviceIdentifier: '+15550001111',
  attempt: 1,
};

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NetworkError) return error;
    throw error;
  }
  throw new Error('expected a NetworkError');
}

describe('HTTP network client', () => {
  it('retries 5xx answers and carries the idempotency key, so the work is done once', async () => {
    const network = await start();
    const client = new HttpNetwork({ baseUrl: network.baseUrl, apiToken: TOKEN, timeoutMs: 2000, retries: 2 });
    network.failNext(503, 2);
    const result = await client.perform(request);
    expect(result.reference).toMatch(/^ACTIVATE-/);
    expect(network.simulator.performed('activate')).toBe(1);
    // The same key again (a retried job): answered the same, not activated twice.
    expect(await client.perform({ ...request, attempt: 2 })).toEqual(result);
    expect(network.simulator.performed('activate')).toBe(1);
  });

  it('gives up after its retries with a transient error, for the job to retry later', async () => {
    const network = await start();
    const client = new HttpNetwork({ baseUrl: network.baseUrl, apiToken: TOKEN, timeoutMs: 2000, retries: 1 });
    network.failNext(502, 2);
    const error = await failure(client.perform(request));
    expect(error.kind).toBe('transient');
    expect(network.simulator.performed('activate')).toBe(0);
  });

  it('treats a refusal (4xx) as permanent, without retrying', async () => {
    const network = await start([{ step: 'activate', serviceType: 'mobile', kind: 'permanent', rate: 1 }]);
    const client = new HttpNetwork({ baseUrl: network.baseUrl, apiToken: TOKEN, timeoutMs: 2000, retries: 3 });
    const error = await failure(client.perform(request));
    expect(error).toMatchObject({ kind: 'permanent', code: 'network_refused' });
    expect(network.requests).toHaveLength(1);
    const unauthorised = new HttpNetwork({ baseUrl: network.baseUrl, apiToken: 'wrong-token', timeoutMs: 2000, retries: 3 });
    expect((await failure(unauthorised.perform(request))).kind).toBe('permanent');
  });

  it('times out a request that hangs, and reports it as transient', async () => {
    const network = await start();
    const held = network.hold('linetest');
    const client = new HttpNetwork({ baseUrl: network.baseUrl, apiToken: TOKEN, timeoutMs: 200, retries: 0 });
    const error = await failure(client.runLineTest({ idempotencyKey: 'tt-1', ticketId: 't', serviceType: 'internet', serviceIdentifier: null, area: null, attempt: 1 }));
    await held.arrived;
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('reports an unreachable network as transient', async () => {
    const client = new HttpNetwork({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500, retries: 0 });
    expect((await failure(client.perform(request))).kind).toBe('transient');
  });
});
