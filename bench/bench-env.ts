import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';
import { openDatabase, type Database } from '../src/db/client.ts';
import { poolSql, type Sql } from '../src/db/sql.ts';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import { fromLoadSchema, type ClosedLoopRun, type OpenLoopRun, type RunResult } from './protocol.ts';

// What the benchmark sets up around the service, and tears down again: its own database, its
// own Redis key prefix, the customers who text in, and the load process.

/** A database only this run uses, on the server at `adminUrl`. */
export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `telcobot_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await withClient(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withClient(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** CPU ms used so far by each PostgreSQL backend connected to the database at `url` (Linux /proc; empty elsewhere). */
export async function databaseBackendCpu(url: string): Promise<Map<number, number>> {
  const rows = await withClient(url, async (client) => {
    const result = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return backendRows.parse(result.rows);
  });
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const cpuMs = processCpuMs(pid);
    if (cpuMs !== undefined) cpu.set(pid, cpuMs);
  }
  return cpu;
}

/**
 * CPU ms the backends used between two readings, or undefined without readings. Backends that
 * came and went in between are missed; pools keep their connections, so few do.
 */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number | undefined {
  if (after.size === 0) return undefined;
  let total = 0;
  for (const [pid, cpuMs] of after) total += cpuMs - (before.get(pid) ?? 0);
  return total;
}

const backendRows = z.array(z.object({ pid: z.coerce.number() }));

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process in ms, from /proc/<pid>/stat; undefined where there is no /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (name) ", utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Removes every key under `prefix:`. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Phone numbers of the extra customers: +1555200xxxx, clear of the demo data's +1555123xxxx. */
export function benchPhoneNumber(index: number): string {
  return `+1555${String(2_000_000 + index).padStart(7, '0')}`;
}

/** Adds `count` active customers, each with a phone number and service consent, as the demo seed does. */
export async function addBenchCustomers(prisma: PrismaClient, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, index) => ({ index, customerId: randomUUID(), phoneNumber: benchPhoneNumber(index) }));
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await prisma.$transaction([
      prisma.customer.createMany({
        data: chunk.map((row) => ({ id: row.customerId, givenName: `Bench${row.index}`, familyName: 'Customer', status: 'active' as const, serviceArea: 'BENCH' })),
      }),
      prisma.contactMedium.createMany({
        data: chunk.map((row) => ({ customerId: row.customerId, mediumType: 'phone' as const, preferred: true, phoneNumber: row.phoneNumber })),
      }),
      prisma.consent.createMany({
        data: chunk.map((row) => ({ channel: 'sms' as const, address: row.phoneNumber, purpose: 'service' as const, status: 'granted' as const, source: 'bench', customerId: row.customerId })),
      }),
    ]);
  }
}

/** Every phone number that identifies a customer: the senders of the benchmark's messages. */
export async function listCustomerPhones(prisma: PrismaClient): Promise<string[]> {
  const media = await prisma.contactMedium.findMany({ where: { mediumType: 'phone', phoneNumber: { not: null } }, select: { phoneNumber: true } });
  return media.flatMap((medium) => (medium.phoneNumber ? [medium.phoneNumber] : []));
}

export interface QueryStats {
  count: number;
  totalMs: number;
  byStatement: Map<string, { count: number; totalMs: number }>;
}

/**
 * The service's database with every Prisma query counted and timed (BENCH_TRACE_QUERIES=1). The
 * schema is migrated by opening it the product's way first.
 */
export async function openTracedDatabase(url: string, poolSize: number): Promise<{ db: Database; stats: QueryStats }> {
  const migrated = await openDatabase({ url, poolSize: 1 });
  await migrated.close();
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
  const stats: QueryStats = { count: 0, totalMs: 0, byStatement: new Map() };
  prisma.$on('query', (event) => {
    stats.count++;
    stats.totalMs += event.duration;
    const statement = event.query.replace(/\s+/g, ' ').replace(/"public"\./g, '').slice(0, 160);
    const entry = stats.byStatement.get(statement) ?? { count: 0, totalMs: 0 };
    entry.count++;
    entry.totalMs += event.duration;
    stats.byStatement.set(statement, entry);
  });
  return {
    stats,
    db: {
      prisma,
      sql: tracedSql(poolSql(pool), stats),
      kind: 'postgres',
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    },
  };
}

/** Times the hot path's own statements too, under their names. */
function tracedSql(inner: Sql, stats: QueryStats): Sql {
  return {
    async rows(statement, values) {
      const started = performance.now();
      try {
        return await inner.rows(statement, values);
      } finally {
        const duration = performance.now() - started;
        stats.count++;
        stats.totalMs += duration;
        const key = `[sql ${statement.name}] ${statement.text.replace(/\s+/g, ' ').trim().slice(0, 120)}`;
        const entry = stats.byStatement.get(key) ?? { count: 0, totalMs: 0 };
        entry.count++;
        entry.totalMs += duration;
        stats.byStatement.set(key, entry);
      }
    },
    transaction: (work) => inner.transaction((tx) => work(tracedSql(tx, stats))),
  };
}

type RunCommand = Omit<OpenLoopRun, 'id'> | Omit<ClosedLoopRun, 'id'>;

/** The child process that runs the Twilio stand-in and the webhook generator. */
export class LoadProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: RunResult) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly standInUrl: string,
  ) {
    child.on('message', (raw) => {
      const message = fromLoadSchema.safeParse(raw);
      if (!message.success || message.data.type === 'ready') return;
      const id = message.data.id;
      const waiter = id === undefined ? undefined : this.waiting.get(id);
      if (id !== undefined) this.waiting.delete(id);
      if (message.data.type === 'result') waiter?.resolve(message.data.result);
      else waiter?.reject(new Error(message.data.message));
    });
    child.on('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`load process exited (${code})`));
      this.waiting.clear();
    });
  }

  static async start(): Promise<LoadProcess> {
    // fork keeps tsx's loader (process.execArgv), so the child runs TypeScript too.
    const child = fork(fileURLToPath(new URL('./load-process.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const standInUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('load process did not start within 20 s')), 20_000);
      child.once('exit', (code) => reject(new Error(`load process exited during start-up (${code})`)));
      child.on('message', (raw) => {
        const message = fromLoadSchema.safeParse(raw);
        if (message.success && message.data.type === 'ready') {
          clearTimeout(timer);
          resolve(message.data.standInUrl);
        }
      });
    });
    return new LoadProcess(child, standInUrl);
  }

  run(command: RunCommand): Promise<RunResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
