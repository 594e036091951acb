import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffData } from '../../src/channels/voice/relay-messages.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { codeInWords, startRelayCall, textedCode } from '../support/voice.ts';

// A call outside the agent desk's staffed hours (AGENT_STAFFED_HOURS, the one setting for when a
// person takes a call): the caller who asks for a person is offered a text to carry on by message,
// or a call back (which waits in the agents' queue) where the queue keeps callers in line after
// hours (AGENT_AFTER_HOURS=callback); where the desk keeps them with the bot (=bot), nothing is
// queued and no call is put through: a text, or carry on with the bot. And a one-time code said or keyed on a call never reaches the logs (read here at trace
// level, where nothing is redacted), the contact log, or the handoff data.

let env: TestEnv;
const logLines: string[] = [];
// The people's hours are an hour long, six hours from now (UTC): it is after hours all test long.
const hour = new Date().getUTCHours();
const at = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  env = await startTestEnv({
    logger: createLogger('trace', sink),
    env: {
      VOICE_MODE: 'relay',
      OPERATOR_TIME_ZONE: 'UTC',
      AGENT_STAFFED_HOURS: ['billing', 'technical', 'sales_retention', 'general'].map((queue) => `${queue}=${at(hour + 6)}-${at(hour + 7)}`).join(','),
      // Sales keeps its callers with the bot after hours; the others keep them in line for a person.
      AGENT_AFTER_HOURS: 'billing=callback,technical=callback,sales_retention=bot,general=callback',
      // Texts go at once (no quiet hours), so the test can read them.
      QUIET_HOURS_START: '00:00',
      QUIET_HOURS_END: '00:00',
      VOICE_SILENCE_TIMEOUT: '60s',
      VOICE_SPEECH_CHARS_PER_SECOND: '100000',
    },
  });
}, 180_000);

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

const call = (from: string) => startRelayCall(env, from);

describe('after hours on a call', () => {
  it('offers a text instead of a person; "text me" sends one through the SMS channel and ends the call', async () => {
    const { callSid, relay } = await call(SAM);
    const before = env.twilio.state.messagesTo(SAM).length;
    relay.say('can I talk to a real person please');
    const offer = await relay.next(0, /nobody can take your call right now/);
    expect(offer).toMatch(new RegExp(`Our team is back \\w+, \\w+ \\w+, ${(hour + 6) % 12 || 12} [AP]M, so nobody`));
    expect(offer).toMatch(/Say Text me or press 1, say Call me back or press 2\./);
    relay.say('just text me');
    expect(await relay.next(0, /Goodbye/)).toMatch(/I've texted you/);
    const end = await relay.endFrame();
    expect(handoffData.parse(JSON.parse(end.handoffData ?? ''))).toMatchObject({ reasonCode: 'hangup', callSid });

    const [texted] = (await env.twilio.state.waitForMessages(SAM, before + 1)).slice(before);
    expect(texted?.body).toMatch(/thanks for calling\. Reply to this text/);
    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    expect(voiceCall).toMatchObject({ afterHoursChoice: 'sms', handoffRequestedAt: null });
    relay.close();
  });

  it('keys 2 for a call back: recorded as a callback handoff and put in the agents’ queue', async () => {
    const { callSid, relay } = await call(SAM);
    relay.key('0');
    await relay.next(0, /nobody can take your call right now/);
    relay.key('2');
    expect(await relay.next(0, /A person will call you back/)).toMatch(new RegExp(`A person will call you back on this number from \\w+, \\w+ \\w+, ${(hour + 6) % 12 || 12} [AP]M\\. Goodbye`));
    await relay.endFrame();

    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    expect(voiceCall).toMatchObject({ afterHoursChoice: 'callback', handoffReason: 'callback' });
    const owner = await prisma().conversationOwner.findUniqueOrThrow({ where: { conversationId: voiceCall.conversationId } });
    expect(owner).toMatchObject({ state: 'queued', channel: 'voice', handoffReason: 'customer_asked' });
    relay.close();
  });
});

describe('a queue the desk keeps with the bot after hours (AGENT_AFTER_HOURS=bot)', () => {
  it('queues nothing and puts no call through: the caller can have a text or carry on with the bot', async () => {
    const { callSid, relay } = await call(SAM);
    relay.say('what plans do you have');
    await relay.next(0, /plan/i);
    let heard = relay.count;
    relay.say('agent');
    const offer = await relay.next(heard, /nobody can take your call right now/);
    expect(offer).toMatch(/Say Text me or press 1, say Carry on or press 2\./);
    heard = relay.count;
    relay.say('I will carry on with you');
    await relay.next(heard, /I'm still here/);

    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    expect(voiceCall).toMatchObject({ handoffRequestedAt: null, pendingQuestion: null });
    expect(await prisma().conversationOwner.findUnique({ where: { conversationId: voiceCall.conversationId } })).toBeNull();
    // What the call answered itself is in the contact log with everything else the caller said.
    const said = await prisma().interaction.findMany({ where: { conversationId: voiceCall.conversationId, direction: 'inbound' }, orderBy: { seq: 'asc' }, select: { text: true, status: true } });
    expect(said).toEqual([
      { text: 'what plans do you have', status: 'handled' },
      { text: 'agent', status: 'handled' },
      { text: 'I will carry on with you', status: 'handled' },
    ]);
    relay.close();
  });
});

describe('codes said or keyed on a call', () => {
  it('never reach the logs, the contact log, or the handoff data', async () => {
    const { callSid, relay } = await call(ALEX);
    const before = env.twilio.state.messagesTo(ALEX).length;
    relay.say('how much is my bill');
    await relay.next(0, /code/);
    const first = await textedCode(env, ALEX, before);
    // A wrong code said in words first (speech-to-text writes "seven one one …"), then the right one keyed.
    const wrong = first === '000000' ? '999999' : '000000';
    relay.say(codeInWords(wrong));
    await relay.next(1, /That code isn't right/);
    relay.key(`${first}#`);
    await relay.next(1, /dollars/);
    // Then to a person: after hours, a call back, whose packet is built from the call.
    relay.key('0');
    await relay.next(1, /nobody can take your call/);
    relay.say('call me back');
    await relay.endFrame();

    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    const owner = await eventually(() => prisma().conversationOwner.findUnique({ where: { conversationId: voiceCall.conversationId } }).then((row) => row ?? undefined), 'the queued call');
    const lines = await prisma().interaction.findMany({ where: { conversationId: voiceCall.conversationId } });
    const inbound = lines.filter((line) => line.direction === 'inbound').map((line) => line.text);
    expect(inbound).toEqual(expect.arrayContaining(['[6 digits withheld]']));
    expect(inbound.filter((text) => text === '[6 digits withheld]')).toHaveLength(2);

    // Every text the log lines carry (numbers such as durations are not what was said).
    const logged = logLines.flatMap((line) => line.split('\n')).filter(Boolean).flatMap((line) => stringsIn(JSON.parse(line))).join('\n');
    // The logs were captured (the call's own lines are there), and hold neither code in any form.
    expect(logged).toContain(callSid);
    // What the caller said is logged unredacted at trace level: the masked form is what got there.
    expect(logged).toContain('[6 digits withheld]');
    const stored = JSON.stringify({ lines: lines.map((line) => line.text), voiceHandoff: voiceCall.handoffPacket, ownerPacket: owner.packet });
    for (const code of [first, wrong]) {
      for (const form of [code, codeInWords(code), `${code.slice(0, 3)} ${code.slice(3)}`]) {
        expect(logged, `the logs hold ${form}`).not.toMatch(new RegExp(`\\b${form}\\b`));
        expect(stored, `the contact log or handoff data hold ${form}`).not.toContain(form);
      }
    }
    relay.close();
  });
});

/** The strings in a parsed log line, however deep. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}
