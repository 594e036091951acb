import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NetworkSettings, NetworkStepName } from '../app/config/index.ts';
import type { ServiceType } from '../generated/prisma/enums.ts';
import {
  NetworkError,
  type ActivationRequest,
  type ActivationResult,
  type LineTestRequest,
  type LineTestResult,
  type Network,
} from '../domain/network/network.ts';

// A stand-in for the operator's network. Every outcome is a pure function of the seed, the step,
// the service type and the request's idempotency key (and, for transient failures, the attempt),
// so a test that fixes the seed and the rules gets the same story on every run and in any order.

export type SimulatorSettings = NetworkSettings['simulator'];

export interface SimulatedCall {
  step: NetworkStepName;
  idempotencyKey: string;
  attempt: number;
  outcome: 'ok' | 'replayed' | 'transient' | 'permanent';
}

// What a test of each kind of service can find: a fixed line has noise, a mobile number does not.
const FIXED_LINE_FAULTS = [
  { code: 'LOSS_OF_SIGNAL', detail: 'No signal from the customer equipment' },
  { code: 'HIGH_NOISE', detail: 'High noise on the line' },
  { code: 'CPE_OFFLINE', detail: 'The customer equipment does not answer' },
] as const;
const FAULT_CODES: Record<ServiceType, ReadonlyArray<{ code: string; detail: string }>> = {
  internet: FIXED_LINE_FAULTS,
  landline: FIXED_LINE_FAULTS,
  mobile: [
    { code: 'NOT_REGISTERED', detail: 'The phone is not registered on the network' },
    { code: 'SIM_PROFILE_INCOMPLETE', detail: "The SIM's network profile is incomplete" },
    { code: 'CELL_SITE_DEGRADED', detail: 'The cell site serving the phone is degraded' },
  ],
  tv: [
    { code: 'STB_OFFLINE', detail: 'The TV box does not answer' },
    { code: 'NO_ENTITLEMENT', detail: 'The TV box is missing its channel entitlements' },
    { code: 'NO_SIGNAL', detail: 'The TV box reports no signal' },
  ],
};
const CLEAN: Record<ServiceType, string> = {
  internet: 'The line tests clean end to end',
  landline: 'The line tests clean end to end',
  mobile: 'The number is registered and the network reaches it',
  tv: 'The TV box answers and has its channels',
};

export class NetworkSimulator implements Network {
  /** Every request it was sent, in order. */
  readonly calls: SimulatedCall[] = [];
  // Idempotency: a key that succeeded once answers the same again without doing it twice.
  private readonly activations = new Map<string, ActivationResult>();
  private readonly lineTests = new Map<string, LineTestResult>();

  constructor(private readonly settings: SimulatorSettings) {}

  async perform(request: ActivationRequest): Promise<ActivationResult> {
    const previous = this.activations.get(`${request.step}:${request.idempotencyKey}`);
    if (previous) {
      this.calls.push({ step: request.step, idempotencyKey: request.idempotencyKey, attempt: request.attempt, outcome: 'replayed' });
      return previous;
    }
    await this.wait(request.step);
    this.failIfDrawn(request.step, request.serviceType, request.idempotencyKey, request.attempt);
    const result: ActivationResult = {
      reference: `${request.step.toUpperCase()}-${this.digits(request.idempotencyKey, 'ref', 8)}`,
      serviceIdentifier: request.step === 'provision' ? (request.serviceIdentifier ?? this.serviceIdentifier(request.serviceType, request.itemId)) : undefined,
      detail: `${request.step} done`,
    };
    this.activations.set(`${request.step}:${request.idempotencyKey}`, result);
    this.calls.push({ step: request.step, idempotencyKey: request.idempotencyKey, attempt: request.attempt, outcome: 'ok' });
    return result;
  }

  async runLineTest(request: LineTestRequest): Promise<LineTestResult> {
    const previous = this.lineTests.get(request.idempotencyKey);
    if (previous) {
      this.calls.push({ step: 'linetest', idempotencyKey: request.idempotencyKey, attempt: request.attempt, outcome: 'replayed' });
      return previous;
    }
    await this.wait('linetest');
    this.failIfDrawn('linetest', request.serviceType, request.idempotencyKey, request.attempt);
    const faultRate = this.rate('linetest', request.serviceType, 'fault');
    const reference = `LT-${this.digits(request.idempotencyKey, 'ref', 8)}`;
    const faults = FAULT_CODES[request.serviceType];
    const fault = faults[Number(this.digits(request.idempotencyKey, 'fault-code', 4)) % faults.length] ?? FIXED_LINE_FAULTS[0];
    const result: LineTestResult =
      this.draw('linetest', request.idempotencyKey, 'fault') < faultRate
        ? { verdict: 'fault', faultCode: fault.code, detail: fault.detail, reference }
        : { verdict: 'ok', detail: CLEAN[request.serviceType], reference };
    this.lineTests.set(request.idempotencyKey, result);
    this.calls.push({ step: 'linetest', idempotencyKey: request.idempotencyKey, attempt: request.attempt, outcome: 'ok' });
    return result;
  }

  /** How many times a step was really done (replays of a key not counted). */
  performed(step: NetworkStepName): number {
    return this.calls.filter((call) => call.step === step && call.outcome === 'ok').length;
  }

  private async wait(step: NetworkStepName): Promise<void> {
    const latency = this.settings.latencyMs[step] ?? this.settings.latencyMs.default ?? 0;
    if (latency > 0) await sleep(latency);
  }

  private failIfDrawn(step: NetworkStepName, serviceType: ServiceType, key: string, attempt: number): void {
    if (this.draw(step, key, 'permanent') < this.rate(step, serviceType, 'permanent')) {
      this.calls.push({ step, idempotencyKey: key, attempt, outcome: 'permanent' });
      throw new NetworkError('permanent', 'network_refused', `Simulated permanent ${step} failure`);
    }
    const transientLeft = attempt <= this.settings.transientAttempts;
    if (transientLeft && this.draw(step, key, 'transient') < this.rate(step, serviceType, 'transient')) {
      this.calls.push({ step, idempotencyKey: key, attempt, outcome: 'transient' });
      throw new NetworkError('transient', 'network_busy', `Simulated transient ${step} failure (attempt ${attempt})`);
    }
  }

  /** The rule for this service type wins over the rule for every type. */
  private rate(step: NetworkStepName, serviceType: ServiceType, kind: 'transient' | 'permanent' | 'fault'): number {
    const rules = this.settings.failures.filter((rule) => rule.step === step && rule.kind === kind);
    return (rules.find((rule) => rule.serviceType === serviceType) ?? rules.find((rule) => rule.serviceType === undefined))?.rate ?? 0;
  }

  /** A number in [0, 1) fixed by the seed, the step, the key and what is being drawn. */
  private draw(step: string, key: string, purpose: string): number {
    const hash = createHash('sha256').update(`${this.settings.seed}|${step}|${key}|${purpose}`).digest();
    return hash.readUInt32BE(0) / 0x1_0000_0000;
  }

  private digits(key: string, purpose: string, count: number): string {
    const hash = createHash('sha256').update(`${this.settings.seed}|${key}|${purpose}`).digest();
    return String(hash.readUInt32BE(0) % 10 ** count).padStart(count, '0');
  }

  private serviceIdentifier(serviceType: ServiceType, itemId: string): string {
    const digits = this.digits(itemId, 'service-identifier', 7);
    switch (serviceType) {
      case 'mobile':
        return `+1555${digits}`;
      case 'landline':
        return `+1415${digits}`;
      case 'tv':
        return `STB-${digits}`;
      case 'internet':
        return `LINE-${digits}`;
    }
  }
}
