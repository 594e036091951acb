import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { errorHandler, isDatabaseUnreachable } from '../../src/http/error-handler.ts';
import { freePort } from '../support/free-port.ts';

// The one error middleware: a body the client sent that cannot be read is a 4xx with a stable
// code, logged at warn in one line (no stack: an outsider can send one per request).

const lines: Array<Record<string, unknown>> = [];
let server: http.Server;
let url: string;
/** A TCP server that accepts and never answers: a database that does not respond in time. */
let silentDatabase: net.Server;
const pools: pg.Pool[] = [];

/** A pool (and a Prisma client on it) for a database that cannot be reached, failing within 300 ms. */
function unreachable(databaseUrl: string): { pool: pg.Pool; prisma: PrismaClient } {
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 300 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return { pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
}

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = express();
  app.post('/json', express.json({ limit: '1kb' }), (_req, res) => void res.json({ ok: true }));
  app.post('/form', express.urlencoded({ extended: false, limit: '1kb' }), (_req, res) => void res.json({ ok: true }));
  app.post('/boom', () => {
    throw new Error('a bug');
  });
  silentDatabase = net.createServer(() => undefined).listen(0, '127.0.0.1');
  await new Promise((resolve) => silentDatabase.once('listening', resolve));
  const silent = unreachable(`postgresql://postgres@127.0.0.1:${(silentDatabase.address() as AddressInfo).port}/none`);
  const refused = unreachable(`postgresql://postgres@127.0.0.1:${await freePort()}/none`);
  app.post('/db-silent-prisma', async () => void (await silent.prisma.customer.findFirst()));
  app.post('/db-silent-pg', async () => void (await silent.pool.query('SELECT 1')));
  app.post('/db-refused-prisma', async () => void (await refused.prisma.customer.findFirst()));
  app.post('/db-refused-pg', async () => void (await refused.pool.query('SELECT 1')));
  app.use(errorHandler(logger));
  server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  silentDatabase.close();
});

function post(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('errors raised while reading the request', () => {
  it.each<{ name: string; path: string; headers: Record<string, string>; body: string; status: number; code: string }>([
    { name: 'a garbage Content-Encoding', path: '/json', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'garbage' }, body: '{}', status: 415, code: 'unsupported_encoding' },
    { name: 'gzip that is not gzip', path: '/form', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' }, body: 'a=b', status: 400, code: 'malformed_body' },
    { name: 'deflate that is not deflate', path: '/json', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' }, body: '{}', status: 400, code: 'malformed_body' },
    { name: 'br that is not br', path: '/json', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }, body: '{}', status: 400, code: 'malformed_body' },
    { name: 'an unknown charset', path: '/json', headers: { 'Content-Type': 'application/json; charset=x-nope' }, body: '{}', status: 415, code: 'unsupported_charset' },
    { name: 'bad JSON', path: '/json', headers: { 'Content-Type': 'application/json' }, body: '{"a":', status: 400, code: 'malformed_body' },
    { name: 'a body over the limit', path: '/form', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(2000)}`, status: 413, code: 'body_too_large' },
  ])('answers $name with $status $code and logs one warn line without a stack', async ({ path, headers, body, status, code }) => {
    lines.length = 0;
    const response = await post(path, headers, body);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, code });
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|    at /);
  });

  it('still logs a bug in full and answers 500', async () => {
    lines.length = 0;
    const response = await post('/boom', { 'Content-Type': 'application/json' }, '{}');
    expect(response.status).toBe(500);
    expect(lines[0]).toMatchObject({ level: 50, err: { message: 'a bug' } });
  });
});

describe('a database out of reach', () => {
  it.each(['/db-silent-prisma', '/db-silent-pg', '/db-refused-prisma', '/db-refused-pg'])('%s answers 503 database_unavailable with Retry-After, logged in one warn line', async (path) => {
    lines.length = 0;
    const response = await new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
      const request = http.request(`${url}${path}`, { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: text }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(response.status).toBe(503);
    expect(response.retryAfter).toBe('5');
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'database_unavailable' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'request refused: database unreachable' });
    expect(JSON.stringify(lines[0])).not.toMatch(/    at /);
  });

  it('is not claimed for other errors, a unique violation or a plain bug', () => {
    expect(isDatabaseUnreachable(new Error('a bug'))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnreachable('a string')).toBe(false);
    expect(isDatabaseUnreachable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '57P03' }) }))).toBe(true);
  });
});
