import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createMigration, SCHEMA_PATH, utcTimestamp } from '../../src/cli/db-migration.ts';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../../src/db/client.ts';
import { databaseLayerTestKinds } from '../support/database.ts';

// Each diff starts a scratch PGlite and the WebAssembly schema engine: seconds, not milliseconds.
const SLOW_MS = 120_000;
const run = promisify(execFile);

// The engine works on a scratch PGlite whatever TEST_DB says: run it once, in the PGlite project.
describe.runIf(databaseLayerTestKinds().includes('pglite'))('db:migration', () => {
  const tempDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('reports no changes and writes nothing when schema.prisma and the migrations agree', { timeout: SLOW_MS }, async () => {
    const before = await readdir(MIGRATIONS_DIR);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/db-migration.ts', 'drift_check'], {
      cwd: PROJECT_ROOT,
    });
    expect(stdout.trim()).toBe('No schema changes');
    expect(await readdir(MIGRATIONS_DIR)).toEqual(before);
  });

  it('writes the next migration when the schema changed, then has nothing more to add', { timeout: SLOW_MS }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'telcobot-db-migration-'));
    tempDirs.push(dir);
    const migrationsDir = path.join(dir, 'migrations');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const schemaPath = path.join(dir, 'schema.prisma');
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    await writeFile(schemaPath, schema.replace('model Customer {\n', 'model Customer {\n  nickname String?\n'));
    const now = new Date('2099-01-02T03:04:05Z');

    const created = await createMigration({ name: 'Add nickname', migrationsDir, schemaPath, now });

    expect(created?.file).toBe(path.join(migrationsDir, '20990102030405_add_nickname', 'migration.sql'));
    expect(created?.sql).toContain('ALTER TABLE "Customer" ADD COLUMN     "nickname" TEXT;');
    expect(await readFile(created?.file ?? '', 'utf8')).toBe(created?.sql);
    expect(await createMigration({ name: 'again', migrationsDir, schemaPath })).toBeNull();
  });

  it('names directories with a UTC yyyymmddhhmmss timestamp', () => {
    expect(utcTimestamp(new Date('2026-11-27T18:53:10.999Z'))).toBe('20261127185310');
  });
});
