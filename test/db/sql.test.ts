import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prismaSql, statement, type Sql } from '../../src/db/sql.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// The hot path's statements run on the driver directly (pg pool or PGlite) and, inside Prisma
// transactions, through Prisma: all three must read and write the same values.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const UPSERT = statement(
  'test.sql.upsert',
  `INSERT INTO "BotState" ("key", "data", "version", "updatedAt") VALUES ($1::text, $2::jsonb, 1, $3::timestamp)
   ON CONFLICT ("key") DO UPDATE SET "data" = EXCLUDED."data", "version" = "BotState"."version" + 1
   RETURNING "key", "data", "version"`,
);
const READ = statement('test.sql.read', `SELECT "key", "data", "version" FROM "BotState" WHERE "key" = ANY($1::text[]) ORDER BY "key"`);
const FAIL = statement('test.sql.fail', `SELECT 1 / $1::int AS "never"`);

const drivers: Array<[string, () => Sql]> = [
  ['the driver', () => database.db.sql],
  ['Prisma', () => prismaSql(database.db.prisma)],
];

describe.each(drivers)('Sql through %s', (label, sqlOf) => {
  const prefix = label.replace(/\W/g, '');

  it('binds text, JSON and array parameters and returns typed rows', async () => {
    const sql = sqlOf();
    const [row] = await sql.rows(UPSERT, [`${prefix}-a`, JSON.stringify({ step: 1, text: 'it\'s "quoted"' }), new Date().toISOString()]);
    expect(row).toEqual({ key: `${prefix}-a`, data: { step: 1, text: 'it\'s "quoted"' }, version: 1 });
    await sql.rows(UPSERT, [`${prefix}-b, with comma`, JSON.stringify([]), new Date().toISOString()]);
    const rows = await sql.rows(READ, [[`${prefix}-a`, `${prefix}-b, with comma`, 'absent']]);
    expect(rows.map((found) => found['key'])).toEqual([`${prefix}-a`, `${prefix}-b, with comma`]);
    expect(await sql.rows(READ, [[]])).toEqual([]);
  });

  it('commits a transaction, and rolls it back whole when its work throws', async () => {
    const sql = sqlOf();
    await sql.transaction(async (tx) => {
      await tx.rows(UPSERT, [`${prefix}-committed`, '{}', new Date().toISOString()]);
      // A transaction inside a transaction runs in place.
      await tx.transaction((inner) => inner.rows(UPSERT, [`${prefix}-committed`, '{"again":true}', new Date().toISOString()]));
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.rows(UPSERT, [`${prefix}-rolled-back`, '{}', new Date().toISOString()]);
        await tx.rows(FAIL, [0]);
      }),
    ).rejects.toThrow(/division by zero/);
    const rows = await sql.rows(READ, [[`${prefix}-committed`, `${prefix}-rolled-back`]]);
    expect(rows).toEqual([{ key: `${prefix}-committed`, data: { again: true }, version: 2 }]);
    // The connection that failed is usable again (or was replaced).
    expect(await sql.rows(READ, [[`${prefix}-committed`]])).toHaveLength(1);
  });
});

describe('statement', () => {
  it('refuses one name for two different statements, and gives the same one for a repeat', () => {
    const first = statement('test.sql.once', 'SELECT 1');
    expect(statement('test.sql.once', 'SELECT 1')).toBe(first);
    expect(() => statement('test.sql.once', 'SELECT 2')).toThrow(/declared twice, with different SQL/);
  });
});
