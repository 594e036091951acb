import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, OUR_NUMBER, SAM, startTestEnv, type TestEnv } from '../support/service.ts';
import { codeInWords, expectTwiml, fakeCallSid, findAll, postVoice, textedCode, type TwimlElement } from '../support/voice.ts';

// Calls on the Gather flow (VOICE_MODE=gather, and the fallback URL): signed webhook sequences
// with SpeechResult, Digits and empty results, the TwiML read back and checked; call status
// callbacks in any order; bad requests refused with nothing written.

const AGENT = '+15557771234';
const CODE_CALLER = '+15551230005';
let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ env: { VOICE_MODE: 'gather', VOICE_AGENT_NUMBER: AGENT, AGENT_STAFFED_HOURS: 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00' } });
}, 180_000);

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

/** Said in a Gather turn's TwiML, and the Gather's attributes. */
function gatherOf(twiml: TwimlElement) {
  const [gather] = findAll(twiml, 'Gather');
  if (!gather) throw new Error(`no <Gather> in ${JSON.stringify(twiml)}`);
  return { attributes: gather.attributes, said: findAll(gather, 'Say').map((say) => say.text).join(' ') };
}

async function answer(from: string, path = '/twilio/voice') {
  const callSid = fakeCallSid();
  const twiml = await expectTwiml(await postVoice(env, path, { CallSid: callSid, From: from, To: OUR_NUMBER, CallStatus: 'ringing' }));
  return { callSid, twiml };
}

const callSidSuffix = () => fakeCallSid().slice(2, 12);
const turn = (callSid: string, n: number, params: Record<string, string>) => postVoice(env, `/twilio/voice/gather?n=${n}`, { CallSid: callSid, ...params });

describe('a call on the Gather flow', () => {
  it('answers with a Gather for speech and keys, greeting by name, posting even on silence', async () => {
    const { twiml } = await answer(ALEX);
    const gather = gatherOf(twiml);
    expect(gather.attributes).toMatchObject({
      input: 'speech dtmf',
      action: `${env.service.publicBaseUrl}/twilio/voice/gather?n=1`,
      method: 'POST',
      actionOnEmptyResult: 'true',
      language: 'en-US',
      finishOnKey: '#',
    });
    expect(gather.attributes['hints']).toMatch(/eSIM/);
    expect(gather.said).toMatch(/^Hi Alex, thanks for calling/);
  });

  it('asks a caller for a code before the account (caller ID is only a hint), takes it spoken, then answers for the ear; a retried webhook gets the same reply, stored once', async () => {
    const { callSid } = await answer(ALEX);
    const before = env.twilio.state.messagesTo(ALEX).length;
    const asked = gatherOf(await expectTwiml(await turn(callSid, 1, { SpeechResult: 'what do I owe', Confidence: '0.91' })));
    expect(asked.said).toMatch(/texted a 6-digit code to your number ending zero zero zero one\. Please say the code or key it in/);
    expect(asked.said).not.toMatch(/dollars/);
    const code = await textedCode(env, ALEX, before);

    // Said, not keyed: speech-to-text writes the digits as words.
    const first = gatherOf(await expectTwiml(await turn(callSid, 2, { SpeechResult: codeInWords(code), Confidence: '0.88' })));
    expect(first.said).toMatch(/^Thanks, Alex, that's you confirmed\. You owe .*dollars/);
    expect(first.said).not.toMatch(/\$/);
    expect(first.attributes['action']).toMatch(/\?n=3$/);

    const retried = gatherOf(await expectTwiml(await turn(callSid, 2, { SpeechResult: codeInWords(code), Confidence: '0.88' })));
    expect(retried.said).toBe(first.said);
    const conversation = await prisma().conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'voice', externalId: callSid } } });
    const inbound = await prisma().interaction.findMany({ where: { conversationId: conversation.id, direction: 'inbound' }, orderBy: { seq: 'asc' } });
    expect(inbound.map((line) => line.text)).toEqual(['what do I owe', '[6 digits withheld]']);
  });

  it('climbs the ladder on empty results, then dials the agent, who hears the handoff packet first', async () => {
    const { callSid } = await answer(SAM);
    const once = gatherOf(await expectTwiml(await turn(callSid, 1, {})));
    expect(once.said).toMatch(/^Sorry, I didn't hear anything\. Hi Sam/);
    const twice = gatherOf(await expectTwiml(await turn(callSid, 2, {})));
    expect(twice.said).toMatch(/keypad.*Say Billing or press 1/);
    const third = await expectTwiml(await turn(callSid, 3, {}));
    expect(findAll(third, 'Gather')).toHaveLength(0);
    const [number] = findAll(third, 'Number');
    expect(number?.text).toBe(AGENT);
    expect(number?.attributes['url']).toBe(`${env.service.publicBaseUrl}/twilio/voice/whisper?call=${callSid}`);

    const whisper = await expectTwiml(await postVoice(env, `/twilio/voice/whisper?call=${callSid}`, { CallSid: fakeCallSid() }));
    expect(findAll(whisper, 'Say')[0]?.text).toMatch(/could not be heard\. The caller ID matches a customer on file, but the caller is not verified/);
    expect((await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } })).handoffReason).toBe('silence');
  });

  it('takes a code keyed on the keypad, and keeps it out of the contact log and the handoff packet', async () => {
    const { callSid } = await answer(CODE_CALLER);
    const before = env.twilio.state.messagesTo(CODE_CALLER).length;
    const asked = gatherOf(await expectTwiml(await turn(callSid, 1, { SpeechResult: 'update my email to voice.five@example.com' })));
    expect(asked.said).toMatch(/code/);
    const code = await textedCode(env, CODE_CALLER, before);

    const readBack = gatherOf(await expectTwiml(await turn(callSid, 2, { Digits: code })));
    expect(readBack.said).toMatch(/that's you confirmed/);
    expect(readBack.said).toMatch(/Press 1 or say yes/);
    // Proven on this call: the change needs no second code.
    const done = gatherOf(await expectTwiml(await turn(callSid, 3, { Digits: '1' })));
    expect(done.said).toMatch(/Done\. Your email is now voice\.five@example\.com/);
    expect(env.twilio.state.messagesTo(CODE_CALLER)).toHaveLength(before + 1);

    const conversation = await prisma().conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'voice', externalId: callSid } } });
    const lines = await prisma().interaction.findMany({ where: { conversationId: conversation.id }, orderBy: { createdAt: 'asc' } });
    expect(lines.map((line) => line.text).join('\n')).not.toContain(code);
    expect(lines.filter((line) => line.direction === 'inbound').map((line) => line.text)).toEqual(['update my email to voice.five@example.com', '[6 digits withheld]', 'Yes']);

    await expectTwiml(await turn(callSid, 4, { SpeechResult: 'agent' }));
    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    expect(voiceCall.handoffReason).toBe('caller_request');
    expect(JSON.stringify(voiceCall.handoffPacket)).not.toContain(code);
    expect(JSON.stringify(voiceCall.handoffPacket)).toContain('[6 digits withheld]');
    // The agent hears what is true: this caller gave the code (the silent caller above, known only by caller ID, did not).
    const whisper = await expectTwiml(await postVoice(env, `/twilio/voice/whisper?call=${callSid}`, { CallSid: fakeCallSid() }));
    expect(findAll(whisper, 'Say')[0]?.text).toMatch(/The caller asked for a person\. The caller is verified by a code texted to the number on file\./);
    expect(findAll(whisper, 'Say')[0]?.text).not.toMatch(/verify them/);
  });

  it('picks the call up where it was on the fallback URL (the socket or a speech provider failed)', async () => {
    const { callSid } = await answer(ALEX);
    await expectTwiml(await turn(callSid, 1, { SpeechResult: 'what do I owe' }));
    const resumed = gatherOf(await expectTwiml(await postVoice(env, '/twilio/voice/fallback', { CallSid: callSid, From: ALEX, To: OUR_NUMBER, CallStatus: 'in-progress', ErrorCode: '64107' })));
    expect(resumed.said).toMatch(/^Sorry about that\./);
    expect(await prisma().conversation.count({ where: { channel: 'voice', externalId: callSid } })).toBe(1);
  });
});

describe('call status callbacks', () => {
  const status = (callSid: string, CallStatus: string, extra: Record<string, string> = {}) => postVoice(env, '/twilio/voice/status', { CallSid: callSid, CallStatus, From: SAM, To: OUR_NUMBER, ...extra });

  it('move the call forward only: out of order, duplicated, ringing missing', async () => {
    const { callSid } = await answer(SAM);
    expect(await (await status(callSid, 'in-progress')).json()).toEqual({ status: 'applied' });
    expect(await (await status(callSid, 'completed', { CallDuration: '42' })).json()).toEqual({ status: 'applied' });
    expect(await (await status(callSid, 'ringing')).json()).toEqual({ status: 'stale' });
    expect(await (await status(callSid, 'completed', { CallDuration: '42' })).json()).toEqual({ status: 'stale' });
    expect(await (await status(callSid, 'in-progress')).json()).toEqual({ status: 'stale' });

    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    expect(voiceCall).toMatchObject({ status: 'completed', durationSeconds: 42 });
    expect(voiceCall.answeredAt).not.toBeNull();
    const conversation = await prisma().conversation.findUniqueOrThrow({ where: { id: voiceCall.conversationId } });
    expect(conversation.status).toBe('closed');
  });

  it('open a call first heard of in a callback (initiated before the webhook)', async () => {
    const callSid = fakeCallSid();
    expect(await (await status(callSid, 'initiated')).json()).toEqual({ status: 'applied' });
    expect(await (await status(callSid, 'ringing')).json()).toEqual({ status: 'applied' });
    expect((await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } })).status).toBe('ringing');
  });

  it('text the references quoted on the call afterwards, once, when the caller said yes', async () => {
    // This file's own order, for a caller of its own.
    const phone = '+15551230006';
    const medium = await prisma().contactMedium.findFirstOrThrow({ where: { phoneNumber: phone }, select: { customerId: true } });
    const account = await prisma().account.findFirstOrThrow({ where: { customerId: medium.customerId } });
    const order = await prisma().productOrder.create({
      data: { customerId: medium.customerId, accountId: account.id, channel: 'voice', idempotencyKey: `voice-test-${callSidSuffix()}`, expectedCompletionDate: new Date(Date.now() + 3 * 86_400_000) },
    });
    const { callSid } = await answer(phone);
    const codes = env.twilio.state.messagesTo(phone).length;
    await expectTwiml(await turn(callSid, 1, { SpeechResult: `where is my order ORD-${order.number}` }));
    const code = await textedCode(env, phone, codes);
    // Said in two groups, as speech-to-text often writes it ("123 456").
    const reply = gatherOf(await expectTwiml(await turn(callSid, 2, { SpeechResult: `${code.slice(0, 3)} ${code.slice(3)}` })));
    expect(reply.said).toMatch(/O R D, /);
    expect(reply.said).toMatch(/texted to you after the call\? Press 1 or say yes/);
    await expectTwiml(await turn(callSid, 3, { Digits: '1' }));
    const before = env.twilio.state.messagesTo(phone).length;
    await status(callSid, 'completed');
    await status(callSid, 'completed');
    const [texted] = (await env.twilio.state.waitForMessages(phone, before + 1)).slice(before);
    expect(texted?.body).toContain(`your reference: ORD-${order.number}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(env.twilio.state.messagesTo(phone)).toHaveLength(before + 1);
  });
});

describe('bad requests', () => {
  it('refuse a forged signature, a malformed payload, another number and an unknown call, writing nothing', async () => {
    const callSid = fakeCallSid();
    const forged = await postVoice(env, '/twilio/voice', { CallSid: callSid, From: ALEX, To: OUR_NUMBER }, { forge: true });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'invalid_signature' } });

    const malformed = await postVoice(env, '/twilio/voice', { CallSid: 'not-a-call', From: ALEX, To: OUR_NUMBER });
    expect(malformed.status).toBe(400);

    const elsewhere = await postVoice(env, '/twilio/voice', { CallSid: callSid, From: ALEX, To: '+15550009999' });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({ error: { code: 'number_not_served' } });

    const unknown = await turn(callSid, 1, { SpeechResult: 'hello' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_call' } });

    const forgedStatus = await postVoice(env, '/twilio/voice/status', { CallSid: callSid, CallStatus: 'completed' }, { forge: true });
    expect(forgedStatus.status).toBe(403);
    expect(await prisma().voiceCall.count({ where: { callSid } })).toBe(0);
    expect(await prisma().conversation.count({ where: { channel: 'voice', externalId: callSid } })).toBe(0);
  });
});
