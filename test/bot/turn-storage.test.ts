import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateConflictError, TurnStorage } from '../../src/bot/turn-storage.ts';
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
    const { prisma, sql } = database.db;
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
});
