import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

// The hot path's SQL (every message's intake, turn, delivery and status callback) goes straight
// to the driver: through Prisma, a statement costs ~0.45 ms of CPU ($queryRaw) to ~0.8 ms (a
// findUnique); as a named statement on the pg pool it costs ~0.09 ms, prepared once per connection.
// Everything else keeps using Prisma.

/** One SQL statement with $1, $2… parameters; its name makes it a prepared statement on PostgreSQL. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

const declared = new Map<string, Statement>();

/**
 * Declares a statement, at module load. PostgreSQL prepares it under its name on each connection,
 * so one name with two texts is a programming error (a module loaded twice declares the same one).
 */
export function statement(name: string, text: string): Statement {
  const existing = declared.get(name);
  if (existing && existing.text !== text) throw new Error(`SQL statement "${name}" is declared twice, with different SQL`);
  const created = existing ?? { name, text };
  declared.set(name, created);
  return created;
}

export type Row = Record<string, unknown>;

export interface Sql {
  /** Runs the statement and returns its rows (parse them: they are the driver's values). */
  rows(statement: Statement, values: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction; an Sql that already is a transaction runs it in place. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

/** PostgreSQL through the pg pool: each statement is prepared once per pooled connection. */
export function poolSql(pool: pg.Pool): Sql {
  return {
    async rows(statement, values) {
      const result = await pool.query<Row>({ name: statement.name, text: statement.text, values: [...values] });
      return result.rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(clientSql(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          // The connection is unusable: do not give it back to the pool.
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

function clientSql(client: pg.PoolClient): Sql {
  const sql: Sql = {
    async rows(statement, values) {
      const result = await client.query<Row>({ name: statement.name, text: statement.text, values: [...values] });
      return result.rows;
    },
    transaction: (work) => work(sql),
  };
  return sql;
}

/** The embedded database: PGlite runs one statement at a time, and never inside another's transaction. */
export function pgliteSql(pglite: PGliteInterface | Transaction): Sql {
  return {
    async rows(statement, values) {
      const result = await pglite.query<Row>(statement.text, [...values]);
      return result.rows;
    },
    async transaction(work) {
      if ('rollback' in pglite) return work(pgliteSql(pglite));
      return pglite.transaction((tx) => work(pgliteSql(tx)));
    },
  };
}

/**
 * The same statements through Prisma, for the few places where a hot-path write must share a
 * transaction with Prisma writes (SMS keywords and consent): `prismaSql(prisma)` opens its own
 * transactions, `prismaSql(tx)` with `inTransaction` runs everything in the caller's.
 */
export function prismaSql(db: PrismaClient | Prisma.TransactionClient, options: { inTransaction?: boolean } = {}): Sql {
  const sql: Sql = {
    async rows(statement, values) {
      const rows: unknown = await db.$queryRawUnsafe(statement.text, ...values);
      return Array.isArray(rows) ? rows.filter(isRow) : [];
    },
    async transaction(work) {
      if (options.inTransaction || !('$transaction' in db)) return work(sql);
      return db.$transaction((tx) => work(prismaSql(tx, { inTransaction: true })));
    },
  };
  return sql;
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null;
}
