import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { applyMigrations, pgliteExecutor, readMigrationFiles } from './migrate.ts';

// Drives Prisma's schema engine compiled to WebAssembly (the CLI's native engine cannot be
// downloaded here). It diffs through a driver adapter, so it needs no database server.

declare global {
  // The engine's Rust panic hook reports the panic message through this global.
  var PRISMA_WASM_PANIC_REGISTRY: { set_message(message: string): void } | undefined;
}

// @types/node 20 has no WebAssembly types and the DOM lib would add browser globals: declare what is used.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
  RuntimeError: new (message?: string) => Error;
};

/** One Prisma schema file: its name (for error messages) and its text. */
export interface SchemaFile {
  path: string;
  content: string;
}

/** What Prisma Migrate itself makes of a database's migration history. */
export interface MigrationHistoryDiagnosis {
  /** Migrations in the directory that Prisma would still apply. */
  unappliedMigrationNames: string[];
  /** Applied migrations whose file no longer matches the recorded checksum. */
  editedMigrationNames: string[];
  failedMigrationNames: string[];
}

export interface SchemaEngineSession {
  /** The SQL that takes the connected database to `schema`; null when they already agree. */
  diffDatabaseToSchema(schema: SchemaFile): Promise<string | null>;
  /** Reads `_prisma_migrations` with Prisma's own logic (the one `prisma migrate deploy` uses). */
  diagnoseMigrationHistory(migrationsDir: string): Promise<MigrationHistoryDiagnosis>;
  /** Frees the engine (the database stays open: its owner closes it). */
  close(): void;
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };
// With `exitCode: true` the engine answers 2 when the diff is not empty.
const DIFF_NOT_EMPTY = 2;

let engineModule: Promise<typeof engineGlue> | undefined;
let lastPanicMessage = '';

/** Reads a schema file from disk. */
export async function readSchemaFile(schemaPath: string): Promise<SchemaFile> {
  return { path: path.basename(schemaPath), content: await readFile(schemaPath, 'utf8') };
}

/**
 * The SQL of the next migration: the difference between what the migrations in `migrationsDir`
 * build (applied to a scratch in-memory PGlite) and the schema file. Null when they agree.
 */
export async function diffMigrationsToSchema(options: { migrationsDir: string; schemaPath: string }): Promise<string | null> {
  const schema = await readSchemaFile(options.schemaPath);
  const scratch = await PGlite.create();
  try {
    if (existsSync(options.migrationsDir)) {
      await applyMigrations(pgliteExecutor(scratch), options.migrationsDir);
    }
    const session = await openSchemaEngine(scratch);
    try {
      return await session.diffDatabaseToSchema(schema);
    } finally {
      session.close();
    }
  } finally {
    await scratch.close();
  }
}

/** Opens the schema engine on a PGlite database (its `_prisma_migrations` table is ignored by diffs). */
export async function openSchemaEngine(db: PGlite): Promise<SchemaEngineSession> {
  const { SchemaEngine } = await loadEngineModule();
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(db));
  const engine = await callEngine(() => SchemaEngine.new({ datamodels: undefined }, ignoreEngineLog, adapterFactory));
  return {
    diffDatabaseToSchema: (schema) => diffDatabaseToSchema(engine, schema),
    diagnoseMigrationHistory: (migrationsDir) => diagnoseMigrationHistory(engine, migrationsDir),
    close: () => engine.free(),
  };
}

async function diffDatabaseToSchema(engine: SchemaEngine, schema: SchemaFile): Promise<string | null> {
  const result = await callEngine(() =>
    engine.diff({
      from: { tag: 'schemaDatasource', files: [schema], configDir: process.cwd() },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    }),
  );
  if (result.exitCode !== DIFF_NOT_EMPTY) return null;
  return result.stdout ?? '';
}

async function diagnoseMigrationHistory(engine: SchemaEngine, migrationsDir: string): Promise<MigrationHistoryDiagnosis> {
  const migrationsList = await loadMigrationList(migrationsDir);
  const result = await callEngine(() =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
  const history = result.history;
  return {
    unappliedMigrationNames:
      history === null || history.diagnostic === 'migrationsDirectoryIsBehind' ? [] : history.unappliedMigrationNames,
    editedMigrationNames: result.editedMigrationNames,
    failedMigrationNames: result.failedMigrationNames,
  };
}

// The engine takes the migrations directory as data, already read, the way Prisma's CLI passes it.
async function loadMigrationList(migrationsDir: string): Promise<MigrationList> {
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const files = await readMigrationFiles(migrationsDir);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: files.map((file) => ({
      path: file.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: file.script } },
    })),
  };
}

// Node 20 cannot import a .wasm module, so the engine is instantiated by hand, once per process.
function loadEngineModule(): Promise<typeof engineGlue> {
  engineModule ??= instantiateEngine();
  return engineModule;
}

async function instantiateEngine(): Promise<typeof engineGlue> {
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanicMessage = message;
    },
  };
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': { ...engineGlue } });
  engineGlue.__wbg_set_wasm(instance.exports);
  const start = instance.exports['__wbindgen_start'];
  if (typeof start !== 'function') throw new Error('@prisma/schema-engine-wasm: __wbindgen_start is missing');
  start();
  return engineGlue;
}

// Engine errors arrive as plain objects or bare `unreachable` traps: turn them into readable Errors.
async function callEngine<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      throw new Error(`Prisma schema engine panicked: ${lastPanicMessage || error.message}`);
    }
    throw new Error(`Prisma schema engine: ${describeEngineError(error)}`);
  }
}

function describeEngineError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return JSON.stringify(error);
}

function ignoreEngineLog(): void {}
