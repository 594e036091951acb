import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { z } from 'zod';
import { closeServer, listeningPort } from '../src/lib/net.ts';
import { EMPTY_TWIML, incomingSms, listenOnLoopback } from './baseline-server.ts';

// The second yardstick: the least a durable SMS bot pipeline can do, with no bot. The webhook
// INSERTs the message and enqueues a job (BullMQ); the job INSERTs a reply and enqueues its
// delivery; the delivery job sends it with the official twilio client to the same stand-in and
// UPDATEs the reply with its SID. No signature check, no dialog, no status callbacks: every step
// our path cannot skip, and nothing else. The reply quotes the ticket number, as the bot's does.

const TICKET = /TT-\d+/;

/** A turn job carries the stored message; a delivery job the stored reply: the same fields. */
const messageJob = z.object({ id: z.string(), from: z.string(), to: z.string(), body: z.string() });

export interface BarePipelineOptions {
  databaseUrl: string;
  poolSize: number;
  redisUrl: string;
  /** BullMQ key prefix (the run's own). */
  prefix: string;
  twilioApiBaseUrl: string;
  accountSid: string;
  authToken: string;
  /** Jobs at once per queue, as TURN_CONCURRENCY and DELIVERY_CONCURRENCY. */
  concurrency: number;
}

export interface BarePipeline {
  url: string;
  close(): Promise<void>;
}

export async function startBarePipeline(options: BarePipelineOptions): Promise<BarePipeline> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  pool.on('error', () => undefined);
  await pool.query(`
    CREATE TABLE IF NOT EXISTS bench_bare_message (
      id text PRIMARY KEY,
      direction text NOT NULL,
      from_number text NOT NULL,
      to_number text NOT NULL,
      body text NOT NULL,
      provider_sid text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  const producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const turns = new Queue('bare-turns', { connection: producer, prefix: options.prefix });
  const deliveries = new Queue('bare-deliveries', { connection: producer, prefix: options.prefix });
  const jobOptions = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 }, attempts: 3, backoff: { type: 'exponential', delay: 200 } };

  class Redirect extends RequestClient {
    override request<T>(opts: RequestClient.RequestOptions<T>) {
      return super.request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', options.twilioApiBaseUrl) });
    }
  }
  const client = twilio(options.accountSid, options.authToken, { httpClient: new Redirect({ timeout: 10_000 }) });

  const turnWorker = new Worker(
    'bare-turns',
    async (job) => {
      const message = messageJob.parse(job.data);
      const reply = { id: randomUUID(), from: message.to, to: message.from, body: `About ${TICKET.exec(message.body)?.[0] ?? 'your message'}: received.` };
      await pool.query('INSERT INTO bench_bare_message (id, direction, from_number, to_number, body) VALUES ($1, $2, $3, $4, $5)', [reply.id, 'outbound', reply.from, reply.to, reply.body]);
      await deliveries.add('deliver', reply, { ...jobOptions, jobId: `d-${reply.id}` });
    },
    { connection: workerConnection, prefix: options.prefix, concurrency: options.concurrency },
  );
  const deliveryWorker = new Worker(
    'bare-deliveries',
    async (job) => {
      const reply = messageJob.parse(job.data);
      const sent = await client.messages.create({ to: reply.to, from: reply.from, body: reply.body });
      await pool.query('UPDATE bench_bare_message SET provider_sid = $1, updated_at = now() WHERE id = $2', [sent.sid, reply.id]);
    },
    { connection: workerConnection, prefix: options.prefix, concurrency: options.concurrency },
  );

  const app = express();
  app.disable('x-powered-by');
  app.post('/twilio/sms', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const message = incomingSms.safeParse(req.body);
    if (!message.success) {
      res.status(400).json({ code: 'invalid_request' });
      return;
    }
    const { MessageSid, From, To, Body } = message.data;
    await pool.query('INSERT INTO bench_bare_message (id, direction, from_number, to_number, body) VALUES ($1, $2, $3, $4, $5)', [MessageSid, 'inbound', From, To, Body]);
    await turns.add('turn', { id: MessageSid, from: From, to: To, body: Body }, { ...jobOptions, jobId: MessageSid });
    res.type('text/xml').send(EMPTY_TWIML);
  });
  const server = await listenOnLoopback(app);
  return {
    url: `http://127.0.0.1:${listeningPort(server)}`,
    async close() {
      await closeServer(server);
      await turnWorker.close();
      await deliveryWorker.close();
      await turns.obliterate({ force: true }).catch(() => undefined);
      await deliveries.obliterate({ force: true }).catch(() => undefined);
      await turns.close();
      await deliveries.close();
      producer.disconnect();
      workerConnection.disconnect();
      await pool.end();
    },
  };
}
