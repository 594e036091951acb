import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient, type Prisma } from '../generated/prisma/client.ts';
import { applyMigrations, pgExecutor, pgliteExecutor, type SqlExecutor } from './migrate.ts';
import { pgliteSql, poolSql, type Sql } from './sql.ts';

// Opens the one database the product uses: PostgreSQL when DATABASE_URL says so, otherwise
// PGlite (PostgreSQL in process), and brings its schema up to date before handing it out.

export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');
export const DEFAULT_PGLITE_DIR = path.join(PROJECT_ROOT, '.data', 'pglite');

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  prisma: PrismaClient;
  /** The same database for the hot path's hand-written statements (see sql.ts). */
  sql: Sql;
  kind: DatabaseKind;
  /** Disconnects Prisma, then closes the pool or the PGlite instance. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * DATABASE_URL. Unset: embedded PGlite in `<project root>/.data/pglite`.
   * `pglite://memory`: in-memory PGlite (tests). `pglite:///abs/dir` or `pglite://./dir`: PGlite
   * in that directory (relative to the project root). `postgres://` / `postgresql://`: a server.
   */
  url?: string;
  /** Prisma client log levels or definitions. Default: none. */
  log?: Array<Prisma.LogLevel | Prisma.LogDefinition>;
  /** Connections in the PostgreSQL pool (ignored for PGlite). Default 10. */
  poolSize?: number;
  /** How long to wait for a PostgreSQL connection before giving up. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Apply pending migrations from `<project root>/prisma/migrations` before returning. Default true. */
  migrate?: boolean;
  /** Told the name of each migration applied while opening. Default: silent. */
  onMigrationApplied?: (migrationName: string) => void;
  /** Called with errors of idle pooled PostgreSQL connections. Default: printed to stderr. */
  onPoolError?: (error: Error) => void;
}

/** Where a DATABASE_URL points. */
export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | undefined }
  | { kind: 'postgres'; connectionString: string };

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const PGLITE_MEMORY_URL = 'pglite://memory';

/** Reads a DATABASE_URL; `dataDir: undefined` means an in-memory PGlite. */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  if (url === undefined || url === '') return { kind: 'pglite', dataDir: DEFAULT_PGLITE_DIR };
  if (url === PGLITE_MEMORY_URL) return { kind: 'pglite', dataDir: undefined };
  if (url.startsWith('pglite://')) return { kind: 'pglite', dataDir: pgliteDirectory(url.slice('pglite://'.length)) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', connectionString: url };
  throw new Error(
    `DATABASE_URL must be postgresql://…, pglite://memory, pglite:///absolute/dir or pglite://./relative/dir (got "${redactUrl(url)}")`,
  );
}

function pgliteDirectory(location: string): string {
  if (location === '') throw new Error('DATABASE_URL pglite:// needs a directory, e.g. pglite://./.data/pglite');
  return path.resolve(PROJECT_ROOT, decodeURIComponent(location));
}

/** Opens the database named by `url` and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(options.url);
  return target.kind === 'pglite'
    ? openPglite(target.dataDir, options)
    : openPostgres(target.connectionString, options);
}

/** Readiness: resolves when the database answers `SELECT 1`, rejects with the driver's error otherwise. */
export async function checkDatabase(db: Database): Promise<void> {
  await db.prisma.$queryRaw`SELECT 1`;
}

async function openPglite(dataDir: string | undefined, options: OpenDatabaseOptions): Promise<Database> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  return openPgliteDatabase(pglite, options);
}

/** Wraps a PGlite instance the caller created (e.g. from a data-dir dump); close() closes it too. */
export async function openPgliteDatabase(pglite: PGlite, options: OpenDatabaseOptions = {}): Promise<Database> {
  try {
    if (options.migrate !== false) await applyPendingMigrations(pgliteExecutor(pglite), options);
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), log: options.log ?? [] });
  return {
    prisma,
    sql: pgliteSql(pglite),
    kind: 'pglite',
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPostgres(connectionString: string, options: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  // An idle client's error is emitted on the pool; unhandled, it would end the process.
  pool.on('error', options.onPoolError ?? reportPoolError);
  try {
    await migratePostgres(pool, connectionString, options);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: options.log ?? [] });
  return {
    prisma,
    sql: poolSql(pool),
    kind: 'postgres',
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// Connecting here also checks that the server is reachable, with a message that names DATABASE_URL.
async function migratePostgres(pool: pg.Pool, connectionString: string, options: OpenDatabaseOptions): Promise<void> {
  const client = await pool.connect().catch((error: unknown) => {
    throw new Error(unreachableMessage(connectionString, error));
  });
  try {
    if (options.migrate !== false) await applyPendingMigrations(pgExecutor(client), options);
    client.release();
  } catch (error) {
    // A client whose migration failed may hold a session lock or an open transaction: discard it.
    client.release(true);
    throw error;
  }
}

async function applyPendingMigrations(executor: SqlExecutor, options: OpenDatabaseOptions): Promise<void> {
  await applyMigrations(executor, MIGRATIONS_DIR, { onApplied: options.onMigrationApplied });
}

function unreachableMessage(connectionString: string, error: unknown): string {
  return `Cannot connect to the PostgreSQL database in DATABASE_URL (${describeServer(connectionString)}): ${describeError(error)}`;
}

function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'unparsable URL';
  }
}

// Node reports a refused localhost connection as an AggregateError with an empty message.
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) return (error.message || error.name).split('\n', 1)[0] ?? error.name;
  return String(error);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function reportPoolError(error: Error): void {
  console.error(`PostgreSQL pool: idle connection error: ${error.message}`);
}
