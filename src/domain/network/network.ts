import type { ServiceType } from '../../generated/prisma/enums.ts';

// The operator's network as fulfillment and assurance see it: activation steps for order items
// and line tests for trouble tickets. Two implementations: a seeded simulator (the default) and
// an HTTP client for a real activation / test system. Every request carries an idempotency key,
// so a retried or re-run job never activates twice.

/** The activation steps, in order; `release` and `deactivate` undo them (compensation, cancellations). */
export type ActivationStep = 'reserve' | 'provision' | 'activate' | 'test' | 'release' | 'deactivate';

export interface ActivationRequest {
  step: ActivationStep;
  /** The same key always means the same request: the network performs it at most once. */
  idempotencyKey: string;
  orderId: string;
  itemId: string;
  serviceType: ServiceType;
  offeringCode: string;
  action: 'add' | 'modify' | 'delete' | 'noChange';
  /** The line, number or device, once known (from provisioning, or the existing product). */
  serviceIdentifier: string | null;
  /** 1 for the first try of this request; the simulator uses it to let transient failures clear. */
  attempt: number;
}

export interface ActivationResult {
  /** The network's reference for what it did. */
  reference: string;
  /** The line, number or device the service runs on (set by provisioning). */
  serviceIdentifier?: string | undefined;
  detail?: string | undefined;
}

export interface LineTestRequest {
  idempotencyKey: string;
  ticketId: string;
  serviceType: ServiceType;
  serviceIdentifier: string | null;
  area: string | null;
  attempt: number;
}

export interface LineTestResult {
  /** ok: no fault found; fault: a fault on the line or equipment. */
  verdict: 'ok' | 'fault';
  faultCode?: string | undefined;
  detail: string;
  reference: string;
}

export interface NetworkActivation {
  perform(request: ActivationRequest): Promise<ActivationResult>;
}

export interface LineTester {
  runLineTest(request: LineTestRequest): Promise<LineTestResult>;
}

export type Network = NetworkActivation & LineTester;

/**
 * Why a network request failed: `transient` (timeout, 5xx, busy: try again later) or `permanent`
 * (the network refuses: no capacity, invalid configuration; retrying will not help).
 */
export class NetworkError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    /** Stable machine-readable code, e.g. `timeout`, `no_capacity`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}
