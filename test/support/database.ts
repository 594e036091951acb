import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { z } from 'zod';
import { MIGRATIONS_DIR, openDatabase, openPgliteDatabase, type Database } from '../../src/db/client.ts';
import { applyMigrations, pgExecutor, pgliteExecutor } from '../../src/db/migrate.ts';

// Gives each test its own migrated database: a fresh in-memory PGlite (TEST_DB=pglite) or a
// PostgreSQL database cloned from `telcobot_template` (TEST_DB=postgres, the default).

// TEST_TEMPLATE_DATABASE names another template, so checkouts with different migrations can run
// their suites side by side on one server without dropping each other's template.
export const TEMPLATE_DATABASE = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'TEST_TEMPLATE_DATABASE must be a lower-case SQL identifier')
  .parse(process.env['TEST_TEMPLATE_DATABASE'] || 'telcobot_template');

/** The server tests use; TEST_POSTGRES_URL overrides it (it must name an existing database). */
export const ADMIN_URL = process.env['TEST_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432/postgres';

// Serialises template creation and cloning across parallel test files (any key unused elsewhere).
const TEMPLATE_LOCK_KEY = 8_472_001;

const testDbSchema = z.enum(['pglite', 'postgres']).default('postgres');

export interface TestDatabase {
  url: string;
  db: Database;
  /** Closes the database and deletes it. */
  drop(): Promise<void>;
}

/** Which database kind the tests run on: TEST_DB, default postgres. */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return testDbSchema.parse(process.env['TEST_DB'] || undefined);
}

/** For tests of the database layer itself: the TEST_DB kind, or both kinds when TEST_DB is unset. */
export function databaseLayerTestKinds(): Array<'pglite' | 'postgres'> {
  return process.env['TEST_DB'] ? [testDatabaseKind()] : ['pglite', 'postgres'];
}

/** A fresh, migrated database that only the caller uses. */
export async function createTestDatabase(): Promise<TestDatabase> {
  return testDatabaseKind() === 'pglite' ? createPgliteDatabase() : createPostgresDatabase();
}

// PGlite's initdb takes seconds; loading a dump of an already migrated one is several times faster.
let pgliteTemplate: Promise<Blob> | undefined;

async function createPgliteDatabase(): Promise<TestDatabase> {
  pgliteTemplate ??= dumpMigratedPglite();
  const pglite = await PGlite.create({ loadDataDir: await pgliteTemplate });
  const db = await openPgliteDatabase(pglite);
  return { url: 'pglite://memory', db, drop: () => db.close() };
}

async function dumpMigratedPglite(): Promise<Blob> {
  const pglite = await PGlite.create();
  try {
    await applyMigrations(pgliteExecutor(pglite), MIGRATIONS_DIR);
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = uniqueDatabaseName('telcobot_test');
  await withAdminClient(async (admin) => {
    await withTemplateLock(admin, async () => {
      await ensureTemplateDatabase(admin);
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(TEMPLATE_DATABASE)}`);
    });
  });
  const url = databaseUrl(name);
  const db = await openDatabase({ url, poolSize: 4 });
  return {
    url,
    db,
    async drop() {
      await db.close();
      await dropDatabase(name);
    },
  };
}

/** Drops and re-creates the migrated template (vitest globalSetup calls this once per run). */
export async function recreateTemplateDatabase(): Promise<void> {
  await withAdminClient(async (admin) => {
    await withTemplateLock(admin, async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(TEMPLATE_DATABASE)} WITH (FORCE)`);
      await ensureTemplateDatabase(admin);
    });
  });
}

// Creates and migrates the template when missing, so test files also run without globalSetup.
async function ensureTemplateDatabase(admin: pg.Client): Promise<void> {
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DATABASE]);
  if (found.rowCount !== 0) return;
  await admin.query(`CREATE DATABASE ${quoteIdent(TEMPLATE_DATABASE)}`);
  // Cloning fails while anyone is connected to the template, so this client is closed at once.
  const client = new pg.Client({ connectionString: databaseUrl(TEMPLATE_DATABASE) });
  await client.connect();
  try {
    await applyMigrations(pgExecutor(client), MIGRATIONS_DIR);
  } finally {
    await client.end();
  }
}

/** Deletes a database, disconnecting whoever is still connected. */
export async function dropDatabase(name: string): Promise<void> {
  await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** A database name no other test file or run will pick. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** The URL of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` with a connection to the server's admin database, closed afterwards. */
export async function withAdminClient<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function withTemplateLock<T>(admin: pg.Client, work: () => Promise<T>): Promise<T> {
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
  try {
    return await work();
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
