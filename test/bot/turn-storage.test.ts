import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder-core';
import { conversationStateKey, StateConflictError, TurnStorage } from '../../src/bot/turn-storage.ts';
import type { Sql } from '../../src/db/sql.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// Dialog state lives in the database with a version: a turn that read stale state cannot save.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('TurnStorage', () => {
  it('writes nothing until flushed, then round-trips the state', async () => {
    const { prisma, sql } = database.db;
    const storage = new TurnStorage(sql);
    expect(await storage.read(['sms/conversations/a/'])).toEqual({});
    await storage.write({ 'sms/conversations/a/': { DialogState: { stack: [] }, eTag: '*' } });
    expect(await prisma.botState.count({ where: { key: 'sms/conversations/a/' } })).toBe(0);
    await sql.transaction((tx) => storage.flush(tx));
    const next = new TurnStorage(sql);
    expect(await next.read(['sms/conversations/a/'])).toEqual({ 'sms/conversations/a/': { DialogState: { stack: [] } } });
  });

  it('refuses a write based on a version another turn has replaced', async () => {
    const { prisma, sql } = database.db;
    const key = 'sms/conversations/b/';
    await prisma.botState.create({ data: { key, data: { step: 1 } } });
    const first = new TurnStorage(sql);
    const second = new TurnStorage(sql);
    await first.read([key]);
    await second.read([key]);
    await first.write({ [key]: { step: 2 } });
    await first.flush(sql);
    await second.write({ [key]: { step: 3 } });
    await expect(second.flush(sql)).rejects.toBeInstanceOf(StateConflictError);
    expect((await prisma.botState.findUniqueOrThrow({ where: { key } })).data).toEqual({ step: 2 });
  });

  it('refuses to create state that another turn created first', async () => {
    const { sql } = database.db;
    const key = 'sms/conversations/c/';
    const first = new TurnStorage(sql);
    const second = new TurnStorage(sql);
    await first.read([key]);
    await second.read([key]);
    await first.write({ [key]: { who: 'first' } });
    await first.flush(sql);
    await second.write({ [key]: { who: 'second' } });
    await expect(second.flush(sql)).rejects.toBeInstanceOf(StateConflictError);
  });

  it('serves a row read in advance once, without a query, then reads the database', async () => {
    const { sql } = database.db;
    const key = 'sms/conversations/d/';
    let queries = 0;
    const counting: Sql = {
      rows: (statement, values) => {
        queries++;
        return sql.rows(statement, values);
      },
      transaction: (work) => sql.transaction(work),
    };
    const storage = new TurnStorage(counting, { key, row: { key, data: { step: 'preloaded' }, version: 4 } });
    expect(await storage.read([key])).toEqual({ [key]: { step: 'preloaded' } });
    expect(queries).toBe(0);
    expect(await storage.read([key])).toEqual({});
    expect(queries).toBe(1);
    // The write is checked against the preloaded version (4), not the database's (1).
    await database.db.prisma.botState.create({ data: { key, data: { step: 'stored' } } });
    const stale = new TurnStorage(counting, { key, row: { key, data: { step: 'preloaded' }, version: 4 } });
    await stale.read([key]);
    await stale.write({ [key]: { step: 'next' } });
    await expect(sql.transaction((tx) => stale.flush(tx))).rejects.toBeInstanceOf(StateConflictError);
    expect(queries).toBe(1);
    const absent = new TurnStorage(counting, { key: 'sms/conversations/e/', row: null });
    expect(await absent.read(['sms/conversations/e/'])).toEqual({});
    expect(queries).toBe(1);
  });
});

describe('conversationStateKey', () => {
  it("is the key botbuilder's ConversationState stores a turn's state under", () => {
    const context = new TurnContext(new TestAdapter(), { type: 'message', channelId: 'sms', conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' } });
    expect(conversationStateKey({ channel: 'sms', conversationId: 'conv-1' })).toBe(new ConversationState(new MemoryStorage()).getStorageKey(context));
  });
});
