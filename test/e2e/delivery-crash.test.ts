import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid, postSignedForm } from '../../src/sandbox/twilio-signing.ts';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/database.ts';
import { ACCOUNT_SID, AUTH_TOKEN, baseTestSettings, deleteRedisKeys, eventually, OUR_NUMBER } from '../support/service.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { startTwilioStandIn, type RunningStandIn } from '../support/twilio-standin-server.ts';

// Defect 1 of issue 17: the service is killed (-9) while Twilio is slow to answer replies it has
// already taken. Before the fix every in-flight reply was sent again once the 30 s lock ran out,
// and a message acknowledged meanwhile waited for the same 30 s. Now a send is recorded as
// started before Twilio is called, a send that never came back is looked up in Twilio's Messages
// list and its SID adopted, and the conversation lock is a 5 s lease: after a restart nothing is
// sent twice and the waiting messages are answered within seconds. A service process of its own
// is needed for kill -9, so this runs on PostgreSQL only (PGlite lives inside one process).

const RECIPIENTS = Array.from({ length: 5 }, (_, index) => `+1555999${String(1000 + index)}`);

let standIn: RunningStandIn;
let database: TestDatabase;
const prefix = `t${randomUUID().slice(0, 8)}`;
const running: ServiceProcess[] = [];

async function startInstance(): Promise<ServiceProcess> {
  const instance = await startServiceProcess({
    ...baseTestSettings(prefix),
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    DATABASE_URL: database.url,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    TWILIO_API_BASE_URL: standIn.baseUrl,
  });
  running.push(instance);
  return instance;
}

function textIn(instance: ServiceProcess, from: string, body: string) {
  const publicUrl = instance.url.replace('127.0.0.1', 'localhost');
  const params = { MessageSid: fakeSid('SM'), AccountSid: ACCOUNT_SID, From: from, To: OUR_NUMBER, Body: body };
  return postSignedForm(AUTH_TOKEN, `${instance.url}/twilio/sms`, params, `${publicUrl}/twilio/sms`);
}

const onPostgres = testDatabaseKind() === 'postgres';

beforeAll(async () => {
  if (!onPostgres) return;
  standIn = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  database = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  for (const instance of running) await instance.kill('SIGKILL');
  await standIn?.close();
  await database?.drop();
  if (onPostgres) await deleteRedisKeys(process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379', prefix);
});

describe.skipIf(!onPostgres)('a crash while Twilio is slow to answer', () => {
  it('sends nothing twice after a restart, and answers what was acknowledged within seconds', async () => {
    const first = await startInstance();
    // Twilio takes each reply at once but answers only after 20 s: the process dies before.
    standIn.state.answerDelayMs = 20_000;
    for (const from of RECIPIENTS) expect((await textIn(first, from, 'hello')).status).toBe(200);
    await eventually(async () => (RECIPIENTS.every((to) => standIn.state.messagesTo(to).length === 1) ? true : undefined), 'Twilio to have taken every first reply', 30_000);
    // Acknowledged while the first replies are in flight: their turns wait for the conversations.
    for (const from of RECIPIENTS) expect((await textIn(first, from, 'thanks')).status).toBe(200);
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    standIn.state.answerDelayMs = 0;

    await startInstance();
    const restartedAt = Date.now();
    const prisma = database.db.prisma;
    await eventually(
      async () => {
        const replies = await prisma.interaction.findMany({ where: { direction: 'outbound', toAddress: { in: RECIPIENTS } } });
        return replies.length === RECIPIENTS.length * 2 && replies.every((reply) => reply.providerMessageId !== null) ? true : undefined;
      },
      'every reply to be handed over once',
      60_000,
    );
    const answeredAt = Date.now();
    console.info(`[delivery-crash] ${RECIPIENTS.length} in-flight replies and ${RECIPIENTS.length} acknowledged messages: all answered ${((answeredAt - restartedAt) / 1000).toFixed(1)} s after the restart was up (${((answeredAt - killedAt) / 1000).toFixed(1)} s after the kill, start-up included)`);

    // Anything sent twice would show up here: give the relay and retries time to misbehave.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const replies = await prisma.interaction.findMany({ where: { direction: 'outbound', toAddress: { in: RECIPIENTS } } });
    for (const to of RECIPIENTS) {
      const sent = standIn.state.messagesTo(to);
      expect(sent, `texts to ${to}`).toHaveLength(2);
      const ours = replies.filter((reply) => reply.toAddress === to).map((reply) => reply.providerMessageId);
      expect(new Set(ours)).toEqual(new Set(sent.map((message) => message.sid)));
    }
    expect(standIn.state.listRequests).toBeGreaterThanOrEqual(RECIPIENTS.length);
  }, 180_000);
});
