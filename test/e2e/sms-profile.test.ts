import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRecordId } from '../../src/domain/demo/seed.ts';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// Profile view and update by SMS, through the real webhook, queues, dialogs and the official
// twilio client talking to the stand-in; the one-time code is read from the texts it received.

let env: TestEnv;

beforeAll(async () => {
  // Three codes per number per hour, so the rate limit is reached quickly.
  env = await startTestEnv({ env: { OTP_MAX_PER_HOUR: '3' } });
});

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

/** Demo customer n: +1555123000n (3..42 are the generated ones). */
const customer = (n: number) => {
  const phone = `+155512300${String(n).padStart(2, '0')}`;
  return { phone, id: demoRecordId('customer', phone) };
};

// What the customer texts: words, or the code they were texted, or a wrong one, or an action.
const CODE = '<the code>';
const WRONG_CODE = '<a wrong code>';
type Turn = { say: string; expect: RegExp[] } | { act: (customerId: string) => Promise<void> };

const CODE_TEXT = /^(\d{6}) is your Northwind Telecom verification code\. It expires in 5 min\./;
const CODE_SENT = /I've texted a 6-digit code to your number ending \d{4}\. Please reply with the code, or "resend" for a new one\.$/;

/** Plays a transcript: each message and the replies it must get, in order; returns the codes texted. */
async function play(phone: string, customerId: string, turns: Turn[]): Promise<string[]> {
  const codes: string[] = [];
  for (const turn of turns) {
    if ('act' in turn) {
      await turn.act(customerId);
      continue;
    }
    const latest = codes[codes.length - 1] ?? '000000';
    const text = turn.say === CODE ? latest : turn.say === WRONG_CODE ? (latest === '000000' ? '111111' : '000000') : turn.say;
    const replies = await env.converse(phone, text, turn.expect.length);
    turn.expect.forEach((pattern, index) => expect(replies[index], `reply ${index + 1} to "${text}"`).toMatch(pattern));
    for (const reply of replies) {
      const code = CODE_TEXT.exec(reply)?.[1];
      if (code) codes.push(code);
    }
  }
  return codes;
}

const say = (text: string, ...replies: RegExp[]): Turn => ({ say: text, expect: replies });
/** "yes" to the read-back: the code and the question come back. */
const yesThenCode = say('yes', CODE_TEXT, CODE_SENT);

async function contact(customerId: string) {
  const media = await prisma().contactMedium.findMany({ where: { customerId } });
  return {
    email: media.find((medium) => medium.mediumType === 'email')?.email,
    address: media.find((medium) => medium.mediumType === 'postalAddress'),
  };
}

async function profileAudits(customerId: string) {
  return prisma().auditEvent.findMany({ where: { action: 'customer.profileUpdated', entityId: customerId }, orderBy: { at: 'asc' } });
}

async function challenges(customerId: string) {
  return prisma().verificationChallenge.findMany({ where: { customerId }, orderBy: { createdAt: 'asc' } });
}

/** The customer's inbound messages linked to their record as updated. */
async function updatedLinks(customerId: string) {
  const links = await prisma().interactionItem.findMany({ where: { itemType: 'customer', itemId: customerId, action: 'updated' }, include: { interaction: true } });
  return links.map((link) => [link.interaction.direction, link.interaction.text]);
}

describe('profile view by SMS', () => {
  it('shows the details on file in one message, only the sender’s own', async () => {
    const [alex] = await env.converse(ALEX, 'what details do you have on file for me');
    expect(alex).toBe(
      'On file: Alex Morgan. Phone: +15551230001. Email: alex.morgan@example.com. Address: 48 Alder Street, San Francisco 94107. Updates by: text message. Paperless bills: on. Marketing texts: off. Say "change my details" to update them.',
    );
    expect(alex?.length).toBeLessThan(300);
    const [sam] = await env.converse(SAM, 'show my profile');
    expect(sam).toMatch(/^On file: Sam Rivera\. Phone: \+15551230002\. Email: sam\.rivera@example\.net\./);
    expect(sam).not.toMatch(/alex/i);
    const alexId = demoRecordId('customer', ALEX);
    const viewed = await prisma().interactionItem.findMany({ where: { itemType: 'customer', itemId: alexId, action: 'viewed' }, include: { interaction: true } });
    expect(viewed.map((link) => link.interaction.direction).sort()).toEqual(['inbound', 'outbound']);
  });

  it('answers a number on no account without showing anything', async () => {
    const [reply] = await env.converse('+15559870000', 'show my profile');
    expect(reply).toMatch(/couldn't match this number to an account/);
  });
});

interface UpdateCase {
  name: string;
  n: number;
  turns: Turn[];
  check: (customerId: string, codes: string[]) => Promise<void>;
}

const updates: UpdateCase[] = [
  {
    name: 'email in one message, then a second change in the window needs no new code',
    n: 3,
    turns: [
      say('update my email to new.three@example.com', /^Change your email to new\.three@example\.com\? 1\) Yes 2\) No$/),
      yesThenCode,
      say(CODE, /^Done\. Your email is now new\.three@example\.com\.$/),
      say('turn off paperless billing', /^Turn paperless billing off \(bills by post\)\?/),
      say('yes', /^Done\. Paperless billing is now off: your bills will come by post\.$/),
    ],
    check: async (customerId, codes) => {
      expect(codes).toHaveLength(1);
      expect((await contact(customerId)).email).toBe('new.three@example.com');
      const account = await prisma().account.findFirstOrThrow({ where: { customerId } });
      expect(account.paperlessBill).toBe(false);
      const audits = await profileAudits(customerId);
      expect(audits.map((audit) => audit.details)).toEqual([
        expect.objectContaining({ field: 'email', before: expect.stringMatching(/@/), after: 'new.three@example.com', channel: 'sms' }),
        expect.objectContaining({ field: 'paperlessBill', before: true, after: false }),
      ]);
      expect((await challenges(customerId)).map((challenge) => [challenge.status, challenge.purpose])).toEqual([['verified', 'profile.update']]);
      // The message that carried the code no longer shows it in the contact log.
      const texted = await prisma().interaction.findFirstOrThrow({ where: { customerId, reason: 'verification.code' } });
      expect(texted.text).not.toContain(codes[0] ?? 'x');
      // The code the customer typed back is kept masked in the contact log too.
      expect(await prisma().interaction.count({ where: { customerId, direction: 'inbound', text: { contains: codes[0] ?? 'x' } } })).toBe(0);
      expect(await updatedLinks(customerId)).toEqual(
        expect.arrayContaining([
          ['inbound', '******'],
          ['outbound', 'Done. Your email is now new.three@example.com.'],
          ['inbound', 'yes'],
        ]),
      );
    },
  },
  {
    name: 'postal address, re-asked until it has street, city and ZIP code',
    n: 4,
    turns: [
      say('I moved', /^What is the new postal address\?/),
      say('12 Main St Oakland', /^I also need the 5-digit ZIP code at the end, e\.g\. 12 Main Street, Oakland 94612\.$/),
      say('12 Main Street, oakland, CA 94612', /^Change your postal address to 12 Main Street, Oakland 94612\?/),
      yesThenCode,
      say(CODE, /^Done\. Your postal address is now 12 Main Street, Oakland 94612\.$/),
    ],
    check: async (customerId) => {
      const { address } = await contact(customerId);
      expect([address?.street, address?.city, address?.postCode]).toEqual(['12 Main Street', 'Oakland', '94612']);
      const [audit] = await profileAudits(customerId);
      expect(audit?.details).toMatchObject({ field: 'postalAddress', after: '12 Main Street, Oakland 94612' });
    },
  },
  {
    name: 'contact channel, picked by number from the choices',
    n: 5,
    turns: [
      say('change my contact preference', /^We send you updates by text message now\. How would you like us to contact you\? 1\) Text message 2\) Web chat 3\) Phone call$/),
      say('2', /^Send you updates by web chat from now on\?/),
      yesThenCode,
      say(CODE, /^Done\. We'll send you updates by web chat\.$/),
    ],
    check: async (customerId) => {
      expect((await prisma().customer.findUniqueOrThrow({ where: { id: customerId } })).preferredChannel).toBe('webchat');
    },
  },
  {
    name: 'marketing texts on, then off again (said as an opt-out from offers)',
    // Customer 19: signed up to no marketing program by the demo seed.
    n: 19,
    turns: [
      say('I want marketing texts', /^Turn marketing texts on\?/),
      yesThenCode,
      say(CODE, /^Done\. Marketing texts are now on\./),
      say('no more promotional texts', /^Turn marketing texts off\?/),
      say('yes', /^Done\. You won't get marketing texts from us\.$/),
    ],
    check: async (customerId) => {
      const { phone } = customer(19);
      const consent = await prisma().consent.findUniqueOrThrow({ where: { channel_address_purpose: { channel: 'sms', address: phone, purpose: 'marketing' } } });
      expect([consent.status, consent.source, consent.customerId]).toEqual(['revoked', 'bot', customerId]);
      const consentAudits = await prisma().auditEvent.findMany({ where: { entityId: consent.id }, orderBy: { at: 'asc' } });
      expect(consentAudits.map((audit) => audit.action)).toEqual(['consent.grant', 'consent.revoke']);
      // Turned on in the conversation: consent to the "offers" program, in the bot's words.
      const offers = await prisma().programConsent.findUniqueOrThrow({ where: { channel_address_program: { channel: 'sms', address: phone, program: 'offers' } } });
      expect(offers).toMatchObject({ status: 'granted', source: 'bot', capturedWhere: 'sms conversation', customerId });
      expect(offers.disclosureText).toBe('Turn marketing texts on? (yes) Marketing texts are now on. Reply STOP anytime to opt out.');
      // Service texts are untouched.
      const service = await prisma().consent.findUnique({ where: { channel_address_purpose: { channel: 'sms', address: phone, purpose: 'service' } } });
      expect(service?.status).toBe('granted');
    },
  },
  {
    name: 'unclear request: asks which detail, then on or off',
    n: 7,
    turns: [
      say('update my details', /^Which detail would you like to change\? 1\) Email 2\) Postal address 3\) Contact channel 4\) Paperless billing 5\) Marketing texts$/),
      say('4', /^Paperless billing is (on|off) now\. Turn it on or off\? 1\) On 2\) Off$/),
      say('off', /^Turn paperless billing off/),
      yesThenCode,
      say(CODE, /^Done\. Paperless billing is now off/),
    ],
    check: async (customerId) => {
      expect((await prisma().account.findFirstOrThrow({ where: { customerId } })).paperlessBill).toBe(false);
    },
  },
  {
    name: 'an invalid email is asked for again',
    n: 8,
    turns: [
      say('change my email', /^What is the new email address\?$/),
      say('eight at example dot com', /^That doesn't look like an email address\./),
      say('eight@example.com', /^Change your email to eight@example\.com\?/),
      yesThenCode,
      say(CODE, /^Done\. Your email is now eight@example\.com\.$/),
    ],
    check: async (customerId) => {
      expect((await contact(customerId)).email).toBe('eight@example.com');
    },
  },
  {
    name: 'a correction before confirming ("no, it\'s ...")',
    n: 9,
    turns: [
      say('change my email to nine@exmaple.com', /^Change your email to nine@exmaple\.com\?/),
      say("no, it's nine@example.com", /^Change your email to nine@example\.com\?/),
      yesThenCode,
      say(CODE, /^Done\. Your email is now nine@example\.com\.$/),
    ],
    check: async (customerId) => {
      expect((await contact(customerId)).email).toBe('nine@example.com');
      expect((await profileAudits(customerId)).map((audit) => audit.details)).toEqual([expect.objectContaining({ after: 'nine@example.com' })]);
    },
  },
  {
    name: 'never mind half-way, at the question and at the code',
    n: 10,
    turns: [
      say('change my address', /^What is the new postal address\?/),
      say('never mind', /dropped that/),
      say('change my email to ten@example.com', /^Change your email to ten@example\.com\?/),
      yesThenCode,
      say('never mind', /dropped that/),
    ],
    check: async (customerId) => {
      expect((await contact(customerId)).email).not.toBe('ten@example.com');
      expect(await profileAudits(customerId)).toEqual([]);
      expect(await updatedLinks(customerId)).toEqual([]);
    },
  },
  {
    name: 'no at the read-back changes nothing',
    n: 11,
    turns: [say('change my email to eleven@example.com', /^Change your email to eleven@example\.com\?/), say('no', /^OK, I haven't changed anything\.$/)],
    check: async (customerId) => {
      expect((await contact(customerId)).email).not.toBe('eleven@example.com');
      expect(await challenges(customerId)).toEqual([]);
    },
  },
  {
    name: 'a wrong code, then the right one',
    n: 12,
    turns: [
      say('change my email to twelve@example.com', /\?/),
      yesThenCode,
      say(WRONG_CODE, /^That code isn't right\. 2 tries left\. Please reply with the code/),
      say(CODE, /^Done\. Your email is now twelve@example\.com\.$/),
    ],
    check: async (customerId) => {
      expect((await contact(customerId)).email).toBe('twelve@example.com');
      expect((await challenges(customerId)).map((challenge) => [challenge.status, challenge.attempts])).toEqual([['verified', 1]]);
    },
  },
  {
    name: 'too many wrong codes: nothing saved, the code failed',
    n: 13,
    turns: [
      say('change my email to thirteen@example.com', /\?/),
      yesThenCode,
      say(WRONG_CODE, /2 tries left/),
      say(WRONG_CODE, /1 try left/),
      say(WRONG_CODE, /^That's too many wrong codes, so I can't go ahead\./),
    ],
    check: async (customerId) => {
      expect((await contact(customerId)).email).not.toBe('thirteen@example.com');
      expect((await challenges(customerId)).map((challenge) => [challenge.status, challenge.attempts])).toEqual([['failed', 3]]);
      expect(await prisma().auditEvent.count({ where: { action: 'verification.failed', actorId: customerId } })).toBe(1);
      expect(await profileAudits(customerId)).toEqual([]);
    },
  },
  {
    name: 'an expired code: nothing saved',
    n: 14,
    turns: [
      say('change my email to fourteen@example.com', /\?/),
      yesThenCode,
      // The code's lifetime passes (the setting's minimum is 30 s; the clock is moved instead).
      { act: async (customerId) => void (await prisma().verificationChallenge.updateMany({ where: { customerId }, data: { expiresAt: new Date(Date.now() - 1000) } })) },
      say(CODE, /^That code has expired, so I can't go ahead\./),
    ],
    check: async (customerId) => {
      expect((await contact(customerId)).email).not.toBe('fourteen@example.com');
      expect((await challenges(customerId)).map((challenge) => challenge.status)).toEqual(['expired']);
    },
  },
  {
    name: 'resend: a new code replaces the first',
    n: 15,
    turns: [
      say('change my email to fifteen@example.com', /\?/),
      yesThenCode,
      say('resend', CODE_TEXT, /^I've texted you a new code\. Please reply with the code/),
      say(CODE, /^Done\. Your email is now fifteen@example\.com\.$/),
    ],
    check: async (customerId, codes) => {
      expect(codes).toHaveLength(2);
      expect((await challenges(customerId)).map((challenge) => challenge.status)).toEqual(['expired', 'verified']);
    },
  },
  {
    name: 'too many codes in an hour',
    n: 16,
    turns: [
      say('change my email to sixteen@example.com', /\?/),
      yesThenCode,
      say('resend', CODE_TEXT, /new code/),
      say('resend', CODE_TEXT, /new code/),
      say('resend', /^Too many codes have been sent to that number, so I can't go ahead\. Please try again in an hour/),
    ],
    check: async (customerId, codes) => {
      expect(codes).toHaveLength(3);
      expect((await contact(customerId)).email).not.toBe('sixteen@example.com');
      expect(await prisma().auditEvent.count({ where: { action: 'verification.rateLimited', actorId: customerId } })).toBe(1);
    },
  },
  {
    name: 'a plain-words request to stop all texts is a revocation: honoured like STOP (FCC 2024), one confirmation',
    n: 17,
    turns: [say('stop texting me please', /^You're unsubscribed from .+ Reply START to resubscribe\./)],
    check: async (customerId) => {
      expect(await prisma().consent.count({ where: { customerId, status: 'revoked', purpose: 'service' } })).toBe(1);
    },
  },
];

describe('profile update by SMS', () => {
  it.each(updates)('$name', async ({ n, turns, check }) => {
    const { phone, id } = customer(n);
    const codes = await play(phone, id, turns);
    await check(id, codes);
  });

  it('sends no second code when the turn that sent it runs again', async () => {
    const { phone, id } = customer(18);
    await play(phone, id, [say('change my email to eighteen@example.com', /\?/)]);
    const conversation = await prisma().conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'sms', externalId: phone } } });
    const stateBefore = await prisma().botState.findMany({ where: { key: { contains: conversation.id } } });
    const [code] = await play(phone, id, [yesThenCode]);

    // The turn runs again as after a crash before it committed: its state, its replies and its
    // "handled" mark are undone, and its job is queued once more.
    const inbound = await prisma().interaction.findFirstOrThrow({ where: { conversationId: conversation.id, direction: 'inbound', text: 'yes' } });
    await prisma().$transaction(async (tx) => {
      for (const row of stateBefore) await tx.botState.update({ where: { key: row.key }, data: { data: row.data ?? {}, version: { increment: 1 } } });
      await tx.interaction.deleteMany({ where: { inReplyToId: inbound.id } });
      await tx.interaction.update({ where: { id: inbound.id }, data: { status: 'received', handledAt: null } });
    });
    const before = env.twilio.state.messagesTo(phone).length;
    // The finished job keeps its id (deduplicating re-enqueues) until removed; it may still be delivering.
    const finished = await env.service.queues.queue('turns').getJob(`turn-${inbound.id}`);
    await eventually(async () => ((await finished?.getState()) === 'active' ? undefined : true), 'the first run of the turn to finish');
    await env.service.queues.queue('turns').remove(`turn-${inbound.id}`);
    await env.service.queues.enqueueTurn({ interactionId: inbound.id, conversationId: conversation.id, correlationId: inbound.correlationId ?? inbound.id });
    const [again] = (await env.twilio.state.waitForMessages(phone, before + 1)).slice(before);
    expect(again?.body).toMatch(CODE_SENT);

    expect(await prisma().interaction.count({ where: { customerId: id, reason: 'verification.code' } })).toBe(1);
    expect(await challenges(id)).toHaveLength(1);
    const [done] = await env.converse(phone, code ?? '');
    expect(done).toBe('Done. Your email is now eighteen@example.com.');
  });
});
