import type { Storage, StoreItems } from 'botbuilder-core';
import { z } from 'zod';
import { statement, type Sql } from '../db/sql.ts';
import type { InboundTurnMessage, StoredBotState } from '../domain/interactions/turns.ts';

/** Another turn changed the state since this turn read it; the job retries the turn. */
export class StateConflictError extends Error {
  constructor(key: string) {
    super(`Bot state ${key} changed during the turn`);
    this.name = 'StateConflictError';
  }
}

const READ_STATE = statement('botState.read', `SELECT "key", "data", "version" FROM "BotState" WHERE "key" = ANY($1::text[])`);
const DELETE_STATE = statement('botState.delete', `DELETE FROM "BotState" WHERE "key" = $1::text`);
const CREATE_STATE = statement(
  'botState.create',
  `INSERT INTO "BotState" ("key", "data", "version", "updatedAt") VALUES ($1::text, $2::jsonb, 1, $3::timestamp)
   ON CONFLICT ("key") DO NOTHING RETURNING "key"`,
);
const UPDATE_STATE = statement(
  'botState.update',
  `UPDATE "BotState" SET "data" = $2::jsonb, "version" = "version" + 1, "updatedAt" = $3::timestamp
   WHERE "key" = $1::text AND "version" = $4::int RETURNING "key"`,
);

const stateRow = z.object({ key: z.string(), data: z.json(), version: z.number() });
const stateRows = z.array(stateRow);

/**
 * The key botbuilder's ConversationState (no namespace) stores a conversation under, for the
 * activity the bot builds from this message; the turn query reads that row in advance.
 */
export function conversationStateKey(message: Pick<InboundTurnMessage, 'channel' | 'conversationId'>): string {
  return `${message.channel}/conversations/${message.conversationId}/`;
}

/** A row read before the turn started (null: there was none), standing in for the first read of its key. */
export interface PreloadedState {
  key: string;
  row: StoredBotState | null;
}

/**
 * botbuilder Storage for one turn: reads from the database, holds writes until `flush` runs
 * inside the turn's transaction, and refuses the write if the row changed since it was read
 * (optimistic concurrency; botbuilder itself always writes with eTag "*").
 */
export class TurnStorage implements Storage {
  private readonly versions = new Map<string, number | null>();
  private readonly pending = new Map<string, string | null>();

  constructor(
    private readonly sql: Sql,
    private preloaded?: PreloadedState,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const preloaded = this.preloaded;
    // Used once: a later read must see what the database holds by then.
    this.preloaded = undefined;
    const rows =
      preloaded && keys.length === 1 && keys[0] === preloaded.key
        ? preloaded.row
          ? [preloaded.row]
          : []
        : stateRows.parse(await this.sql.rows(READ_STATE, [keys]));
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
      // Serialising drops undefined values and anything that is not data.
      this.pending.set(key, JSON.stringify(state));
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
  async flush(tx: Sql): Promise<void> {
    const now = new Date().toISOString();
    for (const [key, json] of this.pending) {
      const version = this.versions.get(key);
      if (json === null) {
        await tx.rows(DELETE_STATE, [key]);
        continue;
      }
      const written =
        version === undefined || version === null ? await tx.rows(CREATE_STATE, [key, json, now]) : await tx.rows(UPDATE_STATE, [key, json, now, version]);
      if (written.length === 0) throw new StateConflictError(key);
    }
    this.pending.clear();
  }
}
