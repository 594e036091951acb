import type { Storage, StoreItems } from 'botbuilder-core';
import type { Prisma } from '../generated/prisma/client.ts';
import type { DbClient } from '../lib/db-types.ts';
import { isUniqueViolation } from '../lib/db-types.ts';

/** Another turn changed the state since this turn read it; the job retries the turn. */
export class StateConflictError extends Error {
  constructor(key: string) {
    super(`Bot state ${key} changed during the turn`);
    this.name = 'StateConflictError';
  }
}

/**
 * botbuilder Storage for one turn: reads from the database, holds writes until `flush` runs
 * inside the turn's transaction, and refuses the write if the row changed since it was read
 * (optimistic concurrency; botbuilder itself always writes with eTag "*").
 */
export class TurnStorage implements Storage {
  private readonly versions = new Map<string, number | null>();
  private readonly pending = new Map<string, Prisma.InputJsonValue | null>();

  constructor(private readonly db: DbClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    const rows = await this.db.botState.findMany({ where: { key: { in: keys } } });
    const items: StoreItems = {};
    for (const key of keys) this.versions.set(key, null);
    for (const row of rows) {
      this.versions.set(row.key, row.version);
      items[row.key] = row.data;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) {
      const { eTag: _ignored, ...state } = value ?? {};
      // A JSON round trip drops undefined values and anything that is not data.
      const json: Prisma.InputJsonValue = JSON.parse(JSON.stringify(state));
      this.pending.set(key, json);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.pending.set(key, null);
  }

  /** True when the turn changed or deleted state, i.e. `flush` has something to write. */
  hasPendingWrites(): boolean {
    return this.pending.size > 0;
  }

  /** Writes the held changes in the given transaction. */
  async flush(tx: DbClient): Promise<void> {
    for (const [key, data] of this.pending) {
      const version = this.versions.get(key);
      if (data === null) {
        await tx.botState.deleteMany({ where: { key } });
      } else if (version === undefined || version === null) {
        try {
          await tx.botState.create({ data: { key, data } });
        } catch (error) {
          if (isUniqueViolation(error)) throw new StateConflictError(key);
          throw error;
        }
      } else {
        const updated = await tx.botState.updateMany({ where: { key, version }, data: { data, version: version + 1 } });
        if (updated.count === 0) throw new StateConflictError(key);
      }
    }
    this.pending.clear();
  }
}
