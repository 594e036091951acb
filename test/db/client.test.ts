import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDatabase, DEFAULT_PGLITE_DIR, openDatabase, parseDatabaseUrl, PROJECT_ROOT } from '../../src/db/client.ts';
import { ADMIN_URL, databaseLayerTestKinds } from '../support/database.ts';

const SLOW_MS = 120_000;
const kinds = databaseLayerTestKinds();

describe.runIf(kinds.includes('pglite'))('parseDatabaseUrl', () => {
  it.each([
    [undefined, { kind: 'pglite', dataDir: DEFAULT_PGLITE_DIR }],
    ['', { kind: 'pglite', dataDir: DEFAULT_PGLITE_DIR }],
    ['pglite://memory', { kind: 'pglite', dataDir: undefined }],
    ['pglite:///var/lib/telcobot', { kind: 'pglite', dataDir: '/var/lib/telcobot' }],
    ['pglite://./.data/dev', { kind: 'pglite', dataDir: path.join(PROJECT_ROOT, '.data', 'dev') }],
    ['postgres://u:p@db:5432/telco', { kind: 'postgres', connectionString: 'postgres://u:p@db:5432/telco' }],
    ['postgresql://db/telco', { kind: 'postgres', connectionString: 'postgresql://db/telco' }],
  ])('reads %j', (url, target) => {
    expect(parseDatabaseUrl(url)).toEqual(target);
  });

  it('rejects other schemes without echoing the password', () => {
    expect(() => parseDatabaseUrl('mysql://root:secret@db/telco')).toThrow(/DATABASE_URL must be/);
    expect(() => parseDatabaseUrl('mysql://root:secret@db/telco')).not.toThrow(/secret/);
  });
});

describe.runIf(kinds.includes('pglite'))('openDatabase on PGlite', () => {
  const tempDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps a PGlite directory across restarts and migrates it only once', { timeout: SLOW_MS }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'telcobot-pglite-'));
    tempDirs.push(dir);
    const dataDir = path.join(dir, 'nested', 'pglite');
    const applied: string[] = [];

    const first = await openDatabase({ url: `pglite://${dataDir}`, onMigrationApplied: (name) => applied.push(name) });
    expect(first.kind).toBe('pglite');
    await checkDatabase(first);
    const customer = await first.prisma.customer.create({ data: { givenName: 'Sam', familyName: 'Rivera' } });
    await first.close();
    const migrations = await readdir(path.join(PROJECT_ROOT, 'prisma', 'migrations'), { withFileTypes: true });
    // Every migration once, in order, on the first open.
    expect(applied).toEqual(migrations.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort());
    const firstOpen = applied.length;

    const second = await openDatabase({ url: `pglite://${dataDir}`, onMigrationApplied: (name) => applied.push(name) });
    try {
      expect(await second.prisma.customer.findUnique({ where: { id: customer.id } })).toMatchObject({ givenName: 'Sam' });
      expect(applied).toHaveLength(firstOpen);
    } finally {
      await second.close();
    }
  });

});

describe.runIf(kinds.includes('postgres'))('openDatabase on PostgreSQL', () => {
  it('opens PostgreSQL through a pool and answers the readiness check', { timeout: SLOW_MS }, async () => {
    const db = await openDatabase({ url: ADMIN_URL, poolSize: 2, migrate: false });
    try {
      expect(db.kind).toBe('postgres');
      await expect(checkDatabase(db)).resolves.toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it('explains an unreachable PostgreSQL in one line naming DATABASE_URL', async () => {
    const error = await openDatabase({ url: 'postgresql://postgres:hunter2@127.0.0.1:1/telco' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = error instanceof Error ? error.message : '';
    expect(message).toMatch(/^Cannot connect to the PostgreSQL database in DATABASE_URL \(127\.0\.0\.1:1\/telco\): /);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});
