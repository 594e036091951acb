import { describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind, withAdminClient } from '../support/database.ts';

const SLOW_MS = 120_000;

describe('createTestDatabase', () => {
  it('gives each caller its own migrated database and drops it afterwards', { timeout: SLOW_MS }, async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    if (a === undefined || b === undefined) throw new Error('no database');
    try {
      expect(a.db.kind).toBe(testDatabaseKind());
      await a.db.prisma.customer.create({ data: { givenName: 'Only', familyName: 'InA' } });
      expect(await a.db.prisma.customer.count()).toBe(1);
      expect(await b.db.prisma.customer.count()).toBe(0);
      if (testDatabaseKind() === 'postgres') expect(a.url).not.toBe(b.url);
      // A clone keeps the template's sequences: customer-facing numbers still start at 100001.
      expect(await b.db.prisma.$queryRaw`SELECT nextval('"TroubleTicket_number_seq"')::int AS n`).toEqual([{ n: 100001 }]);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
    if (testDatabaseKind() === 'postgres') {
      const names = [a.url, b.url].map((url) => new URL(url).pathname.slice(1));
      const left = await withAdminClient((admin) =>
        admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]),
      );
      expect(left.rowCount).toBe(0);
    }
  });
});
