import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffData } from '../../src/channels/voice/relay-messages.ts';
import { AGENT_API_BASE } from '../../src/http/console/agent-api-schemas.ts';
import { ALEX, OUR_NUMBER, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { fetchAsStaff } from '../support/staff.ts';
import { RelayClient, expectTwiml, fakeCallSid, findAll, postVoice, startRelayCall, textedCode } from '../support/voice.ts';

// Whole calls over ConversationRelay as Twilio makes them: the signed call webhook, then the
// WebSocket with setup, prompts, keys, interrupts, a dropped socket and a reconnect. Every frame
// the service sends is checked against ConversationRelay's message schema (test/support/voice.ts).

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({
    env: {
      VOICE_MODE: 'relay',
      VOICE_SILENCE_TIMEOUT: '1500ms',
      VOICE_SPEECH_CHARS_PER_SECOND: '100000',
      // People take calls around the clock in this test (after hours has its own).
      AGENT_STAFFED_HOURS: 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00',
    },
  });
}, 180_000);

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

const call = (from: string) => startRelayCall(env, from);

async function voiceConversation(callSid: string) {
  return prisma().conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'voice', externalId: callSid } } });
}

describe('answering a call with ConversationRelay', () => {
  it('answers with <Connect><ConversationRelay> to the signed socket, greeting a known caller by name, with hints from the catalog', async () => {
    const callSid = fakeCallSid();
    const twiml = await expectTwiml(await postVoice(env, '/twilio/voice', { CallSid: callSid, From: ALEX, To: OUR_NUMBER, CallStatus: 'ringing' }));

    const [connect] = findAll(twiml, 'Connect');
    expect(connect?.attributes['action']).toBe(`${env.service.publicBaseUrl}/twilio/voice/relay/ended`);
    const [relay] = findAll(twiml, 'ConversationRelay');
    expect(relay?.attributes).toMatchObject({
      url: `${env.service.publicBaseUrl.replace(/^http/, 'ws')}/twilio/voice/relay`,
      welcomeGreeting: expect.stringMatching(/^Hi Alex, thanks for calling/),
      language: 'en-US',
      dtmfDetection: 'true',
      interruptible: 'any',
    });
    const offering = await prisma().productOffering.findFirstOrThrow({ where: { lifecycleStatus: 'active' } });
    expect(relay?.attributes['hints']?.split(',')).toEqual(expect.arrayContaining(['eSIM', offering.name]));

    const conversation = await voiceConversation(callSid);
    expect(conversation.customerId).not.toBeNull();
    const greeting = await prisma().interaction.findFirstOrThrow({ where: { conversationId: conversation.id } });
    expect(greeting).toMatchObject({ direction: 'outbound', channel: 'voice', reason: 'voice.greeting', deliveryStatus: 'delivered' });
  });

  it('runs the same dialogs after a code read out (caller ID is only a hint): the caller’s words are stored, the reply streamed back as text tokens for the ear', async () => {
    const { callSid, relay } = await call(ALEX);
    const before = env.twilio.state.messagesTo(ALEX).length;
    relay.say('what do I owe');
    const asked = await relay.next(0, /code/);
    expect(asked).toMatch(/ending zero zero zero one\. Please say the code or key it in/);
    const code = await textedCode(env, ALEX, before);
    // Speech-to-text writes a code read in two groups as "123 456".
    relay.say(`${code.slice(0, 3)} ${code.slice(3)}`);
    // Each stored reply is its own utterance: the confirmation, then the answer.
    // (A silence prompt may come between while the text is on its way: this suite's silence timeout is short.)
    // ("One moment." may come first on a loaded machine.)
    expect(await relay.next(1, /confirmed/)).toMatch(/^(One moment\. )?Thanks, Alex, that's you confirmed\.$/);
    const reply = await relay.next(1, /dollars/);
    expect(reply).not.toMatch(/\$/);
    // Said once: the turn's replies are spoken as delivered, and only the unspoken ones again after the turn.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await relay.utterances(1)).filter((utterance) => /You owe/.test(utterance))).toHaveLength(1);
    const conversation = await voiceConversation(callSid);
    const stored = await prisma().interaction.findMany({ where: { conversationId: conversation.id }, orderBy: { createdAt: 'asc' } });
    expect(stored.map((row) => [row.direction, row.channel])).toEqual(expect.arrayContaining([['inbound', 'voice'], ['outbound', 'voice']]));
    const inbound = stored.filter((row) => row.direction === 'inbound');
    expect(inbound.map((row) => row.text)).toEqual(['what do I owe', '[6 digits withheld]']);
    expect(inbound[1]).toMatchObject({ status: 'handled', reason: expect.stringMatching(/^bill\.inquiry/) });
    const answer = stored.find((row) => row.inReplyToId === inbound[1]?.id && row.text.includes('You owe'));
    expect(answer?.deliveryStatus).toBe('delivered');
    expect(answer?.text).toMatch(/\$/);
    relay.close();
  });

  it('identifies a caller whose number is on no account by the account number they key, with a code texted to the number on file (not the calling number)', async () => {
    const stranger = '+15559990123';
    const { callSid, relay } = await call(stranger);
    const account = await prisma().account.findFirstOrThrow({ where: { customer: { contactMedia: { some: { phoneNumber: SAM } } } }, select: { accountNumber: true } });
    const digits = account.accountNumber.replace(/\D/g, '');
    const before = env.twilio.state.messagesTo(SAM).length;
    relay.say('how much is my bill');
    expect(await relay.next(0, /account number/)).toMatch(/the phone number on your account, and I'll text a code to the number we have on file/);
    let heard = relay.count;
    relay.key(`${digits}#`);
    expect(await relay.next(heard, /texted/)).toMatch(/If that account is ours, I've texted a 6-digit code to the phone number on file/);
    const code = await textedCode(env, SAM, before);
    heard = relay.count;
    relay.key(`${code}#`);
    expect(await relay.next(heard, /confirmed/)).toMatch(/Thanks, Sam, that's you confirmed\./);
    await relay.next(heard, /dollars/);
    expect(env.twilio.state.messagesTo(stranger)).toHaveLength(0);

    // The call is Sam's now; what was keyed is stored masked.
    const conversation = await voiceConversation(callSid);
    expect(conversation.customerId).not.toBeNull();
    const inbound = await prisma().interaction.findMany({ where: { conversationId: conversation.id, direction: 'inbound' }, orderBy: { seq: 'asc' }, select: { text: true } });
    expect(inbound.map((row) => row.text)).toEqual(['how much is my bill', `[${digits.length} digits withheld]`, '[6 digits withheld]']);
    relay.close();
  });

  it('hands a caller who says "agent" to a person: end with handoffData, then <Enqueue> at the action URL', async () => {
    const { callSid, relay } = await call(SAM);
    await relay.utterances(1);
    relay.say('agent');
    const end = await relay.endFrame();

    const data = handoffData.parse(JSON.parse(end.handoffData ?? ''));
    expect(data).toEqual({ reasonCode: 'live-agent-handoff', reason: 'caller_request', callSid });
    const voiceCall = await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } });
    expect(voiceCall.handoffReason).toBe('caller_request');
    const twiml = await expectTwiml(await postVoice(env, '/twilio/voice/relay/ended', { CallSid: callSid, SessionStatus: 'ended', HandoffData: end.handoffData ?? '' }));
    expect(findAll(twiml, 'Enqueue').map((element) => element.text)).toEqual(['support']);

    // The call is in the agents' queue too, as a texted handoff is: what the console lists, with its packet.
    const owner = await prisma().conversationOwner.findUniqueOrThrow({ where: { conversationId: voiceCall.conversationId } });
    expect(owner).toMatchObject({ state: 'queued', channel: 'voice', handoffReason: 'customer_asked' });
    const response = await fetchAsStaff(`${env.service.url}${AGENT_API_BASE}/conversations/${voiceCall.conversationId}/packet`, {}, 'agent');
    expect(response.status).toBe(200);
    const { packet } = (await response.json()) as { packet: { channel: string; who: { name: string | null; verified: boolean }; collected: Record<string, string>; lastMessages: { text: string }[] } };
    expect(packet.channel).toBe('voice');
    // Named by caller ID, which proves nothing: the agent sees the name, and that it is not verified.
    expect(packet.who).toMatchObject({ name: 'Sam Rivera', verified: false });
    expect(packet.collected).toMatchObject({ callReason: 'caller_request', callSid });
    expect(packet.lastMessages.map((line) => line.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^Hi Sam, thanks for calling/)]));
    relay.close();
  });

  it('climbs the ladder for a silent caller: asks again, offers the keypad menu, then a person', async () => {
    const { callSid, relay } = await call(SAM);
    // Twilio says the greeting (welcomeGreeting); the socket hears nothing back.
    const again = await relay.next(0, /didn't hear anything/);
    expect(again).toMatch(/Hi Sam, thanks for calling/);
    const menu = await relay.next(1, /keypad/);
    expect(menu).toMatch(/say billing or press 1/i);
    const end = await relay.endFrame();
    expect(handoffData.parse(JSON.parse(end.handoffData ?? ''))).toMatchObject({ reasonCode: 'live-agent-handoff', reason: 'silence' });
    expect((await prisma().voiceCall.findUniqueOrThrow({ where: { callSid } })).handoffReason).toBe('silence');
    relay.close();
  });

  it('maps a key to the choice it names in the last prompt (the keypad menu after two silences)', async () => {
    const { callSid, relay } = await call(ALEX);
    await relay.next(0, /keypad/);
    const before = relay.count;
    const texts = env.twilio.state.messagesTo(ALEX).length;
    relay.key('1');
    await relay.next(before, /code/);
    // The code keyed, one dtmf frame a key, ended with #.
    relay.key(`${await textedCode(env, ALEX, texts)}#`);
    await relay.next(before, /dollars/);

    const conversation = await voiceConversation(callSid);
    const keyed = await prisma().interaction.findMany({ where: { conversationId: conversation.id, direction: 'inbound' }, orderBy: { seq: 'asc' } });
    expect(keyed.map((row) => row.text)).toEqual(['Billing', '[6 digits withheld]']);
    relay.close();
  });

  it('records what the caller heard of a reply they talked over', async () => {
    const { callSid, relay } = await call(ALEX);
    await relay.utterances(1);
    relay.say('help');
    const reply = await relay.next(1, /I can help with/);
    const heard = reply.slice(0, 12);
    relay.send({ type: 'interrupt', utteranceUntilInterrupt: heard, durationUntilInterruptMs: 900 });

    const interruption = await eventually(() => prisma().voiceInterruption.findFirst({ where: { callSid } }).then((row) => row ?? undefined), 'the interruption');
    expect(interruption.heardText).toBe(heard.trim());
    const spokenReply = await prisma().interaction.findUniqueOrThrow({ where: { id: interruption.interactionId } });
    expect(spokenReply.direction).toBe('outbound');
    relay.close();
  });

  it('carries on after a dropped socket: the reconnected session is the same call and conversation, not greeted twice', async () => {
    const { callSid, relay } = await call(ALEX);
    await relay.utterances(1);
    relay.close();

    const again = await RelayClient.open(env);
    again.setup(callSid, ALEX);
    again.say('what do I owe');
    const reply = await again.next(0, /./);
    expect(reply).not.toMatch(/^Hi Alex/);
    expect(await prisma().conversation.count({ where: { channel: 'voice', externalId: callSid } })).toBe(1);
    again.close();
  });

  it('speaks each reply on its own call when two calls come from one number at once (a family line)', async () => {
    // Replies used to be spoken on the newest live call from the number: the other caller heard nothing (the bench's silent prompts).
    const first = await call(SAM);
    const second = await call(SAM);
    await Promise.all([first.relay.utterances(1), second.relay.utterances(1)]);
    first.relay.say('thanks');
    second.relay.say('help');
    const [firstReply, secondReply] = await Promise.all([first.relay.next(1, /./), second.relay.next(1, /./)]);
    expect(firstReply).toMatch(/welcome/i);
    expect(secondReply).toMatch(/I can help with/);
    expect(first.relay.frames.filter((frame) => frame.type === 'text' && /I can help with/.test(frame.token))).toEqual([]);
    expect(second.relay.frames.filter((frame) => frame.type === 'text' && /welcome/i.test(frame.token))).toEqual([]);
    first.relay.close();
    second.relay.close();
  });

  it('refuses a handshake with a forged signature or none', async () => {
    await expect(RelayClient.open(env, 'forged')).rejects.toThrow(/403/);
    await expect(RelayClient.open(env, 'none')).rejects.toThrow(/403/);
  });
});
