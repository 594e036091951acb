import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PGliteInterface } from '@electric-sql/pglite';
import type pg from 'pg';
import { z } from 'zod';

// Applies prisma/migrations/<name>/migration.sql files and records them in Prisma's own
// `_prisma_migrations` table, so `prisma migrate deploy` elsewhere sees the same history.

/** The little a migration needs from a database connection (one session: the lock is per session). */
export interface SqlExecutor {
  /** Runs a script of one or more statements, without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with $1, $2… parameters and returns its rows. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

export interface ApplyMigrationsOptions {
  /** How long to wait for another process that holds the migration lock. Default 60 000 ms. */
  lockTimeoutMs?: number;
  /** Told the name of each migration as it is applied. Default: silent. */
  onApplied?: (migrationName: string) => void;
}

/** A migration directory as found on disk. */
export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

// The key Prisma Migrate itself locks with, so our runner and `prisma migrate` exclude each other.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;
const LOCK_POLL_MS = 200;
const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

// Prisma's own DDL for the table (sql-schema-connector, PostgreSQL flavour).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

const migrationRowSchema = z.object({
  id: z.string(),
  checksum: z.string(),
  finished_at: z.coerce.date().nullable(),
  migration_name: z.string(),
  logs: z.string().nullable(),
  rolled_back_at: z.coerce.date().nullable(),
  started_at: z.coerce.date(),
  applied_steps_count: z.coerce.number().int(),
});

/** One row of `_prisma_migrations`. */
export type MigrationRow = z.infer<typeof migrationRowSchema>;

/** An executor over one PGlite instance (PGlite is a single session). */
export function pgliteExecutor(db: Pick<PGliteInterface, 'exec' | 'query'>): SqlExecutor {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query(sql, params = []) {
      const result = await db.query<Record<string, unknown>>(sql, params);
      return result.rows;
    },
  };
}

/** An executor over one pg client (a `pg.Client` or a client checked out of a pool). */
export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query(sql, params = []) {
      const result = await client.query<Record<string, unknown>>(sql, params);
      return result.rows;
    },
  };
}

/** Prisma's checksum of a migration script: the SHA-256 of its text, in lowercase hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

// Like Prisma, accept a script whose line endings git converted since it was applied.
function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => migrationChecksum(variant) === checksum);
}

/** Reads every `<name>/migration.sql` under the directory, in name order (Prisma's order). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new MigrationError(`Cannot read the migrations directory ${migrationsDir}: ${String(error)}`);
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(names.map((name) => readMigrationFile(migrationsDir, name)));
}

async function readMigrationFile(migrationsDir: string, name: string): Promise<MigrationFile> {
  const file = path.join(migrationsDir, name, 'migration.sql');
  const script = await readFile(file, 'utf8').catch(() => {
    throw new MigrationError(`Migration ${name} has no migration.sql (expected ${file})`);
  });
  return { name, script, checksum: migrationChecksum(script) };
}

/** Reads `_prisma_migrations`; empty when the table does not exist yet. */
export async function readMigrationRows(executor: SqlExecutor): Promise<MigrationRow[]> {
  const [table] = await executor.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`);
  if (table?.['exists'] !== true) return [];
  const rows = await executor.query(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.map((row) => migrationRowSchema.parse(row));
}

/**
 * Applies the pending migrations of `migrationsDir` in name order, each in its own transaction,
 * under Prisma Migrate's advisory lock. Returns the names applied (empty when up to date).
 * Refuses to run when an applied migration's file changed or a failed migration is recorded.
 */
export async function applyMigrations(
  executor: SqlExecutor,
  migrationsDir: string,
  options: ApplyMigrationsOptions = {},
): Promise<string[]> {
  const files = await readMigrationFiles(migrationsDir);
  await acquireMigrationLock(executor, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  try {
    await executor.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await readMigrationRows(executor);
    assertNoFailedMigrations(rows);
    assertAppliedMigrationsUnchanged(files, rows);
    const pending = pendingMigrations(files, rows);
    for (const migration of pending) {
      await applyMigration(executor, migration);
      options.onApplied?.(migration.name);
    }
    return pending.map((migration) => migration.name);
  } finally {
    await releaseMigrationLock(executor);
  }
}

// A session-level lock polled with try-lock, so a stuck holder gives a clear error, not a hang.
async function acquireMigrationLock(executor: SqlExecutor, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await executor.query('SELECT pg_try_advisory_lock($1) AS "locked"', [PRISMA_MIGRATE_LOCK_KEY]);
    if (row?.['locked'] === true) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})): ` +
          'another process is migrating this database, or left a session holding the lock',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function releaseMigrationLock(executor: SqlExecutor): Promise<void> {
  await executor.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
}

function isApplied(row: MigrationRow): boolean {
  return row.finished_at !== null && row.rolled_back_at === null;
}

function isFailed(row: MigrationRow): boolean {
  return row.finished_at === null && row.rolled_back_at === null;
}

function assertNoFailedMigrations(rows: MigrationRow[]): void {
  const failed = rows.filter(isFailed);
  const first = failed[0];
  if (first === undefined) return;
  throw new MigrationError(
    `Migration ${first.migration_name} is recorded as failed in _prisma_migrations` +
      `${first.logs ? ` (${firstLine(first.logs)})` : ''}; no migration will run until it is resolved. ` +
      'Undo what it did, then mark it rolled back: UPDATE "_prisma_migrations" SET rolled_back_at = now() ' +
      `WHERE migration_name = '${first.migration_name}' AND finished_at IS NULL` +
      (failed.length > 1 ? ` (${failed.length - 1} more failed migration(s) recorded)` : ''),
  );
}

function assertAppliedMigrationsUnchanged(files: MigrationFile[], rows: MigrationRow[]): void {
  const filesByName = new Map(files.map((file) => [file.name, file]));
  const edited = rows
    .filter(isApplied)
    .filter((row) => {
      const file = filesByName.get(row.migration_name);
      return file !== undefined && !scriptMatchesChecksum(file.script, row.checksum);
    })
    .map((row) => row.migration_name);
  if (edited.length === 0) return;
  throw new MigrationError(
    `The migration file(s) ${edited.join(', ')} changed after being applied to this database ` +
      '(checksum mismatch in _prisma_migrations). Restore the applied version and put changes in a new migration.',
  );
}

function pendingMigrations(files: MigrationFile[], rows: MigrationRow[]): MigrationFile[] {
  const applied = new Set(rows.filter(isApplied).map((row) => row.migration_name));
  return files.filter((file) => !applied.has(file.name));
}

// The row and the schema change commit together, so a crash never leaves a half-applied migration.
async function applyMigration(executor: SqlExecutor, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await executor.exec('BEGIN');
  try {
    await executor.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await executor.exec(migration.script);
    await executor.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await executor.exec('COMMIT');
  } catch (error) {
    await executor.exec('ROLLBACK');
    await recordRolledBackAttempt(executor, migration, error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${errorMessage(error)}`);
  }
}

// Kept as an audit trail; rolled_back_at is set because the transaction undid it, so the
// (fixed) migration runs again next time, for us and for `prisma migrate deploy`.
async function recordRolledBackAttempt(executor: SqlExecutor, migration: MigrationFile, error: unknown): Promise<void> {
  await executor.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, rolled_back_at, applied_steps_count)
     VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp(), 0)`,
    [randomUUID(), migration.checksum, migration.name, errorMessage(error)],
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
