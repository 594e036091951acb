import express from 'express';
import type { Server } from 'node:http';
import pg from 'pg';
import { z } from 'zod';
import { closeServer, listeningPort } from '../src/lib/net.ts';

// The yardstick: the least an SMS webhook can do durably. A bare Express 5 handler that parses
// the same urlencoded form and does one PostgreSQL INSERT per request, then answers like ours.

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The fields of Twilio's incoming-message webhook both yardsticks store. */
export const incomingSms = z.object({
  MessageSid: z.string(),
  From: z.string(),
  To: z.string(),
  Body: z.string().default(''),
});

export interface BaselineServer {
  url: string;
  /** Rows the handler inserted. */
  countRows(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the baseline on 127.0.0.1 against `databaseUrl`, creating its table there. */
export async function startBaselineServer(databaseUrl: string, poolSize: number): Promise<BaselineServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', () => undefined);
  await pool.query(`
    CREATE TABLE IF NOT EXISTS bench_baseline_message (
      message_sid text PRIMARY KEY,
      from_number text NOT NULL,
      to_number text NOT NULL,
      body text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);

  const app = express();
  app.disable('x-powered-by');
  app.post('/twilio/sms', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const message = incomingSms.safeParse(req.body);
    if (!message.success) {
      res.status(400).json({ code: 'invalid_request' });
      return;
    }
    const { MessageSid, From, To, Body } = message.data;
    await pool.query('INSERT INTO bench_baseline_message (message_sid, from_number, to_number, body) VALUES ($1, $2, $3, $4)', [MessageSid, From, To, Body]);
    res.type('text/xml').send(EMPTY_TWIML);
  });

  const server = await listenOnLoopback(app);
  return {
    url: `http://127.0.0.1:${listeningPort(server)}`,
    async countRows() {
      const result = await pool.query<{ count: string }>('SELECT count(*) AS count FROM bench_baseline_message');
      return Number(result.rows[0]?.count ?? 0);
    },
    async close() {
      await closeServer(server);
      await pool.end();
    },
  };
}

/** Listens on a free 127.0.0.1 port. */
export function listenOnLoopback(app: express.Express): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening)).once('error', reject);
  });
}
