import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from '../../src/db/client.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';
import {
  applyMigrations,
  migrationChecksum,
  pgExecutor,
  pgliteExecutor,
  readMigrationRows,
  type SqlExecutor,
} from '../../src/db/migrate.ts';
import { openSchemaEngine } from '../../src/db/schema-engine.ts';
import {
  databaseLayerTestKinds,
  databaseUrl,
  dropDatabase,
  uniqueDatabaseName,
  withAdminClient,
} from '../support/database.ts';

// PGlite takes seconds to start and migrate; the defaults (5 s, 10 s for hooks) are too tight.
const SLOW_MS = 120_000;
// Under the vitest projects (TEST_DB set) each backend runs once, in its own project.
const kinds = databaseLayerTestKinds();

// Each backend gets its own empty database: an in-memory PGlite, or a uniquely named PostgreSQL one.
interface Backend {
  kind: 'pglite' | 'postgres';
  name: string;
  open(): Promise<{ executor: SqlExecutor; url: string; close(): Promise<void> }>;
}

const pgliteBackend: Backend = {
  kind: 'pglite',
  name: 'PGlite',
  async open() {
    const db = await PGlite.create();
    return { executor: pgliteExecutor(db), url: 'pglite://memory', close: () => db.close() };
  },
};

const postgresBackend: Backend = {
  kind: 'postgres',
  name: 'PostgreSQL',
  async open() {
    const name = uniqueDatabaseName('telcobot_migrate');
    await withAdminClient((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const url = databaseUrl(name);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      executor: pgExecutor(client),
      url,
      async close() {
        await client.end();
        await dropDatabase(name);
      },
    };
  },
};

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

// A writable copy of the real migrations, to edit or extend without touching prisma/migrations.
async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'telcobot-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function tableExists(executor: SqlExecutor, table: string): Promise<boolean> {
  const [row] = await executor.query('SELECT to_regclass($1) IS NOT NULL AS "exists"', [`"${table}"`]);
  return row?.['exists'] === true;
}

describe.each([pgliteBackend, postgresBackend].filter((backend) => kinds.includes(backend.kind)))('applyMigrations on $name', (backend) => {
  let database: Awaited<ReturnType<Backend['open']>>;
  let expected: string[];
  const tempDirs: string[] = [];

  beforeAll(async () => {
    database = await backend.open();
    expected = await migrationNames(MIGRATIONS_DIR);
  }, SLOW_MS);

  afterAll(async () => {
    await database.close();
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('applies every migration in order and returns their names', async () => {
    expect(expected.length).toBeGreaterThan(0);
    expect(await applyMigrations(database.executor, MIGRATIONS_DIR)).toEqual(expected);
    expect(await tableExists(database.executor, 'Customer')).toBe(true);
  });

  it('does nothing when applied again', async () => {
    const before = await readMigrationRows(database.executor);
    expect(await applyMigrations(database.executor, MIGRATIONS_DIR)).toEqual([]);
    expect(await readMigrationRows(database.executor)).toEqual(before);
  });

  it("records each migration in _prisma_migrations as Prisma does", async () => {
    const rows = await readMigrationRows(database.executor);
    expect(rows.map((row) => row.migration_name)).toEqual(expected);
    for (const row of rows) {
      const script = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.checksum).toBe(migrationChecksum(script));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('has the exact columns of Prisma’s table', async () => {
    const columns = await database.executor.query(
      `SELECT column_name, data_type, is_nullable, character_maximum_length
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => [c['column_name'], c['data_type'], c['is_nullable'], c['character_maximum_length']])).toEqual([
      ['id', 'character varying', 'NO', 36],
      ['checksum', 'character varying', 'NO', 64],
      ['finished_at', 'timestamp with time zone', 'YES', null],
      ['migration_name', 'character varying', 'NO', 255],
      ['logs', 'text', 'YES', null],
      ['rolled_back_at', 'timestamp with time zone', 'YES', null],
      ['started_at', 'timestamp with time zone', 'NO', null],
      ['applied_steps_count', 'integer', 'NO', null],
    ]);
  });

  it('starts customer-facing numbers at 100001', async () => {
    for (const sequence of ['TroubleTicket_number_seq', 'ProductOrder_number_seq', 'Bill_number_seq', 'BillAdjustment_number_seq']) {
      const [row] = await database.executor.query(`SELECT nextval($1)::int AS next`, [`"${sequence}"`]);
      expect(row?.['next'], sequence).toBe(100001);
    }
  });

  it('refuses to run when an applied migration file changed', async () => {
    const dir = await copyMigrations();
    tempDirs.push(dir);
    const [first] = expected;
    if (first === undefined) throw new Error('no migrations');
    await writeFile(path.join(dir, first, 'migration.sql'), '-- edited\n', { flag: 'a' });
    await expect(applyMigrations(database.executor, dir)).rejects.toThrow(
      new RegExp(`${first} changed after being applied`),
    );
  });

  it('accepts an applied migration whose line endings git converted', async () => {
    const dir = await copyMigrations();
    tempDirs.push(dir);
    for (const name of expected) {
      const file = path.join(dir, name, 'migration.sql');
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
    }
    expect(await applyMigrations(database.executor, dir)).toEqual([]);
  });

  it('rolls a failing migration back, records the attempt, and retries it once fixed', async () => {
    const dir = await copyMigrations();
    tempDirs.push(dir);
    const broken = '29991231235959_broken';
    await mkdir(path.join(dir, broken));
    const file = path.join(dir, broken, 'migration.sql');
    await writeFile(file, 'CREATE TABLE "HalfDone" ("id" INTEGER);\nSELECT * FROM "NoSuchTable";\n');

    await expect(applyMigrations(database.executor, dir)).rejects.toThrow(/29991231235959_broken failed and was rolled back/);
    expect(await tableExists(database.executor, 'HalfDone')).toBe(false);
    const attempt = (await readMigrationRows(database.executor)).find((row) => row.migration_name === broken);
    expect(attempt).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(attempt?.rolled_back_at).toBeInstanceOf(Date);
    expect(attempt?.logs).toContain('NoSuchTable');

    await writeFile(file, 'CREATE TABLE "HalfDone" ("id" INTEGER);\n');
    expect(await applyMigrations(database.executor, dir)).toEqual([broken]);
    await database.executor.exec('DROP TABLE "HalfDone"');
    await database.executor.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = $1`, [broken]);
  });

  it('refuses to run while a failed migration is recorded', async () => {
    await database.executor.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000001', $1, '29990101000000_failed', 'syntax error', 0)`,
      ['0'.repeat(64)],
    );
    try {
      await expect(applyMigrations(database.executor, MIGRATIONS_DIR)).rejects.toThrow(
        /29990101000000_failed is recorded as failed/,
      );
    } finally {
      await database.executor.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = '29990101000000_failed'`);
    }
  });

  it('round-trips data through Prisma with exact decimals', { timeout: SLOW_MS }, async () => {
    const db = await openDatabase({ url: database.url });
    try {
      const customer = await db.prisma.customer.create({
        data: {
          givenName: 'Alex',
          familyName: 'Morgan',
          contactMedia: { create: { mediumType: 'phone', phoneNumber: '+15551230001', preferred: true } },
          accounts: { create: { accountNumber: 'ACC-0001' } },
        },
        include: { contactMedia: true, accounts: true },
      });
      const read = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, include: { contactMedia: true } });
      expect(read.givenName).toBe('Alex');
      expect(read.contactMedia).toHaveLength(1);
      expect(read.contactMedia[0]?.phoneNumber).toBe(customer.contactMedia[0]?.phoneNumber);

      const account = customer.accounts[0];
      if (account === undefined) throw new Error('account not created');
      const bill = await db.prisma.bill.create({
        data: {
          accountId: account.id,
          billDate: new Date('2026-01-01T00:00:00Z'),
          periodStart: new Date('2025-12-01T00:00:00Z'),
          periodEnd: new Date('2025-12-31T00:00:00Z'),
          dueDate: new Date('2026-01-21T00:00:00Z'),
          amountDue: '1234567890.10',
          charges: { create: [{ chargeType: 'recurring', description: 'Fibre', amount: '0.10' }, { chargeType: 'tax', description: 'Tax', amount: '0.20' }] },
        },
      });
      const stored = await db.prisma.bill.findUniqueOrThrow({ where: { id: bill.id }, include: { charges: true } });
      expect(stored.amountDue.toFixed(2)).toBe('1234567890.10');
      const total = stored.charges.reduce((sum, charge) => sum.plus(charge.amount), new Prisma.Decimal(0));
      expect(total.toFixed(2)).toBe('0.30');
      expect(stored.number).toBeGreaterThanOrEqual(100001);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(kinds.includes('postgres'))('applyMigrations on PostgreSQL from two processes at once', () => {
  it('applies each migration once: the advisory lock makes the second wait', { timeout: SLOW_MS }, async () => {
    const name = uniqueDatabaseName('telcobot_race');
    await withAdminClient((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const clients = [new pg.Client({ connectionString: databaseUrl(name) }), new pg.Client({ connectionString: databaseUrl(name) })];
    try {
      await Promise.all(clients.map((client) => client.connect()));
      const results = await Promise.all(clients.map((client) => applyMigrations(pgExecutor(client), MIGRATIONS_DIR)));
      const expected = await migrationNames(MIGRATIONS_DIR);
      expect(results.flat().sort()).toEqual(expected);
      const [first] = clients;
      if (first === undefined) throw new Error('no client');
      expect((await readMigrationRows(pgExecutor(first))).length).toBe(expected.length);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await dropDatabase(name);
    }
  });

  it('gives up with a clear error when another session holds the lock too long', async () => {
    const name = uniqueDatabaseName('telcobot_lock');
    await withAdminClient((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const holder = new pg.Client({ connectionString: databaseUrl(name) });
    const waiter = new pg.Client({ connectionString: databaseUrl(name) });
    try {
      await holder.connect();
      await waiter.connect();
      await holder.query('SELECT pg_advisory_lock(72707369)');
      await expect(applyMigrations(pgExecutor(waiter), MIGRATIONS_DIR, { lockTimeoutMs: 300 })).rejects.toThrow(
        /waiting for the migration lock/,
      );
    } finally {
      await holder.end();
      await waiter.end();
      await dropDatabase(name);
    }
  });
});

describe.runIf(kinds.includes('pglite'))('Prisma Migrate’s own engine reading a history we wrote', () => {
  it('finds nothing to apply, nothing edited and nothing failed; and spots an edit or a new migration', { timeout: SLOW_MS }, async () => {
    const db = await PGlite.create();
    const dir = await copyMigrations();
    try {
      await applyMigrations(pgliteExecutor(db), MIGRATIONS_DIR);
      const engine = await openSchemaEngine(db);
      try {
        expect(await engine.diagnoseMigrationHistory(MIGRATIONS_DIR)).toEqual({
          unappliedMigrationNames: [],
          editedMigrationNames: [],
          failedMigrationNames: [],
        });
        const [first] = await migrationNames(dir);
        if (first === undefined) throw new Error('no migrations');
        await writeFile(path.join(dir, first, 'migration.sql'), '-- edited\n', { flag: 'a' });
        await mkdir(path.join(dir, '29991231235959_next'));
        await writeFile(path.join(dir, '29991231235959_next', 'migration.sql'), 'SELECT 1;\n');
        expect(await engine.diagnoseMigrationHistory(dir)).toEqual({
          unappliedMigrationNames: ['29991231235959_next'],
          editedMigrationNames: [first],
          failedMigrationNames: [],
        });
      } finally {
        engine.close();
      }
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
