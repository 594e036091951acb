import { describe, expect, it } from 'vitest';
import { NetworkError, type ActivationRequest } from '../../src/domain/network/network.ts';
import { NetworkSimulator, type SimulatorSettings } from '../../src/network/simulator.ts';

const settings = (failures: SimulatorSettings['failures'], seed = 'seed-1'): SimulatorSettings => ({ seed, latencyMs: {}, failures, transientAttempts: 2 });

const request = (overrides: Partial<ActivationRequest> = {}): ActivationRequest => ({
  step: 'provision',
  idempotencyKey: 'item-1-provision',
  orderId: 'order-1',
  itemId: 'item-1',
  serviceType: 'internet',
  offeringCode: 'FIBER-300',
  action: 'add',
  serviceIdentifier: null,
  attempt: 1,
  ...overrides,
});

async function outcome(simulator: NetworkSimulator, overrides: Partial<ActivationRequest>): Promise<string> {
  try {
    await simulator.perform(request(overrides));
    return 'ok';
  } catch (error) {
    return error instanceof NetworkError ? error.kind : 'error';
  }
}

describe('network simulator', () => {
  it('tells the same story for the same seed, whatever the order of requests', async () => {
    const rules: SimulatorSettings['failures'] = [{ step: 'provision', serviceType: undefined, kind: 'permanent', rate: 0.5 }];
    const keys = Array.from({ length: 40 }, (_, index) => `item-${index}-provision`);
    const first = new NetworkSimulator(settings(rules));
    const second = new NetworkSimulator(settings(rules));
    const forward = await Promise.all(keys.map((key) => outcome(first, { idempotencyKey: key })));
    const backward = (await Promise.all([...keys].reverse().map((key) => outcome(second, { idempotencyKey: key })))).reverse();
    expect(forward).toEqual(backward);
    // A fair coin over 40 keys: both outcomes occur.
    expect(new Set(forward)).toEqual(new Set(['ok', 'permanent']));
    const otherSeed = new NetworkSimulator(settings(rules, 'seed-2'));
    expect(await Promise.all(keys.map((key) => outcome(otherSeed, { idempotencyKey: key })))).not.toEqual(forward);
  });

  it('clears a transient failure after the configured attempts', async () => {
    const simulator = new NetworkSimulator(settings([{ step: 'provision', serviceType: undefined, kind: 'transient', rate: 1 }]));
    expect(await outcome(simulator, { attempt: 1 })).toBe('transient');
    expect(await outcome(simulator, { attempt: 2 })).toBe('transient');
    expect(await outcome(simulator, { attempt: 3 })).toBe('ok');
  });

  it('applies a rule for one service type only to that type, over the rule for all', async () => {
    const simulator = new NetworkSimulator(
      settings([
        { step: 'activate', serviceType: undefined, kind: 'permanent', rate: 1 },
        { step: 'activate', serviceType: 'tv', kind: 'permanent', rate: 0 },
      ]),
    );
    expect(await outcome(simulator, { step: 'activate', serviceType: 'internet', idempotencyKey: 'a' })).toBe('permanent');
    expect(await outcome(simulator, { step: 'activate', serviceType: 'tv', idempotencyKey: 'b' })).toBe('ok');
  });

  it('does a request once per idempotency key and answers repeats the same', async () => {
    const simulator = new NetworkSimulator(settings([]));
    const first = await simulator.perform(request());
    const again = await simulator.perform(request({ attempt: 2 }));
    expect(again).toEqual(first);
    expect(first.serviceIdentifier).toMatch(/^LINE-\d{7}$/);
    expect(simulator.performed('provision')).toBe(1);
  });

  it('finds line faults at the configured rate, deterministically', async () => {
    const faulty = new NetworkSimulator(settings([{ step: 'linetest', serviceType: undefined, kind: 'fault', rate: 1 }]));
    const clean = new NetworkSimulator(settings([]));
    const lineTest = { idempotencyKey: 'tt-1', ticketId: 't1', serviceType: 'internet' as const, serviceIdentifier: null, area: '94110', attempt: 1 };
    const found = await faulty.runLineTest(lineTest);
    expect(found.verdict).toBe('fault');
    expect(found.faultCode).toBeTruthy();
    expect(await faulty.runLineTest(lineTest)).toEqual(found);
    expect((await clean.runLineTest(lineTest)).verdict).toBe('ok');
  });

  it('finds mobile faults a mobile network can have, never noise on a line', async () => {
    const faulty = new NetworkSimulator(settings([{ step: 'linetest', serviceType: undefined, kind: 'fault', rate: 1 }]));
    const details = new Set<string>();
    for (let index = 0; index < 30; index += 1) {
      const found = await faulty.runLineTest({ idempotencyKey: `tt-m-${index}`, ticketId: `t${index}`, serviceType: 'mobile', serviceIdentifier: '+15551230001', area: '94110', attempt: 1 });
      details.add(found.detail);
    }
    expect(details.size).toBeGreaterThan(1);
    expect([...details].filter((detail) => /\bline\b|noise|customer equipment/i.test(detail))).toEqual([]);
  });
});
