import express from 'express';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { ServiceType } from '../../src/generated/prisma/enums.ts';
import type { NetworkStepName } from '../../src/app/config/index.ts';
import { closeServer, listeningPort } from '../../src/lib/net.ts';
import { NetworkError } from '../../src/domain/network/network.ts';
import { NetworkSimulator, type SimulatorSettings } from '../../src/network/simulator.ts';

// The HTTP API that HttpNetwork calls, served by a NetworkSimulator: for tests and demos of
// NETWORK_MODE=http. Tests can also make it answer with HTTP errors, or hold a request open (a
// slow network, or a process killed while it waited).

const serviceType = z.enum(ServiceType);

const activationBody = z.object({
  step: z.enum(['reserve', 'provision', 'activate', 'test', 'release', 'deactivate']),
  orderId: z.string(),
  itemId: z.string(),
  serviceType,
  offeringCode: z.string(),
  action: z.enum(['add', 'modify', 'delete', 'noChange']),
  serviceIdentifier: z.string().nullable(),
});

const lineTestBody = z.object({
  ticketId: z.string(),
  serviceType,
  serviceIdentifier: z.string().nullable(),
  area: z.string().nullable(),
});

export interface HeldRequest {
  /** Resolves when a request of the held step arrives (it is then kept waiting). */
  arrived: Promise<void>;
  /** Lets the held request through. */
  release(): void;
}

export interface RunningNetworkStandIn {
  baseUrl: string;
  simulator: NetworkSimulator;
  /** The requests received, in order (idempotent repeats included). */
  requests: Array<{ step: NetworkStepName; idempotencyKey: string }>;
  /** Answers the next `count` requests with this HTTP status (transient for 5xx). */
  failNext(status: number, count: number): void;
  /** Keeps the next request of `step` waiting until released (or until the stand-in closes). */
  hold(step: NetworkStepName): HeldRequest;
  close(): Promise<void>;
}

export async function startNetworkStandIn(settings: SimulatorSettings, apiToken?: string): Promise<RunningNetworkStandIn> {
  const simulator = new NetworkSimulator(settings);
  const requests: RunningNetworkStandIn['requests'] = [];
  const failures: number[] = [];
  const holds = new Map<NetworkStepName, { arrive: () => void; released: Promise<void>; release: () => void }>();
  const waiting = new Set<() => void>();
  const sockets = new Set<Socket>();

  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    if (apiToken && req.get('authorization') !== `Bearer ${apiToken}`) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'Bad or missing token' } });
      return;
    }
    const status = failures.shift();
    if (status !== undefined) {
      res.status(status).json({ error: { code: `http_${status}`, message: 'Injected failure' } });
      return;
    }
    next();
  });

  const held = async (step: NetworkStepName) => {
    const hold = holds.get(step);
    if (!hold) return;
    holds.delete(step);
    waiting.add(hold.release);
    hold.arrive();
    await hold.released;
  };
  const meta = (req: express.Request) => ({ key: req.get('idempotency-key') ?? '', attempt: Number(req.get('x-attempt') ?? '1') || 1 });
  const answerError = (res: express.Response, error: unknown) => {
    if (error instanceof NetworkError) {
      res.status(error.kind === 'permanent' ? 422 : 503).json({ error: { code: error.code, message: error.message } });
      return;
    }
    res.status(500).json({ error: { code: 'internal', message: 'Simulator error' } });
  };

  app.post('/activations', async (req, res) => {
    const body = activationBody.safeParse(req.body);
    const { key, attempt } = meta(req);
    if (!body.success || !key) {
      res.status(400).json({ error: { code: 'invalid_request', message: 'Bad activation request' } });
      return;
    }
    requests.push({ step: body.data.step, idempotencyKey: key });
    await held(body.data.step);
    try {
      res.json(await simulator.perform({ ...body.data, idempotencyKey: key, attempt }));
    } catch (error) {
      answerError(res, error);
    }
  });

  app.post('/line-tests', async (req, res) => {
    const body = lineTestBody.safeParse(req.body);
    const { key, attempt } = meta(req);
    if (!body.success || !key) {
      res.status(400).json({ error: { code: 'invalid_request', message: 'Bad line test request' } });
      return;
    }
    requests.push({ step: 'linetest', idempotencyKey: key });
    await held('linetest');
    try {
      res.json(await simulator.runLineTest({ ...body.data, idempotencyKey: key, attempt }));
    } catch (error) {
      answerError(res, error);
    }
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening)).once('error', reject);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    baseUrl: `http://127.0.0.1:${listeningPort(server)}`,
    simulator,
    requests,
    failNext(status, count) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    hold(step) {
      let arrive: () => void = () => {};
      let release: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.set(step, { arrive, released, release });
      return { arrived, release };
    },
    async close() {
      for (const hold of holds.values()) hold.release();
      for (const release of waiting) release();
      // Held requests never answer: cut their connections so the server can close.
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}
