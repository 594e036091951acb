import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid } from '../../src/sandbox/twilio-signing.ts';
import { ALEX, SAM, startTestEnv, type TestEnv } from '../support/service.ts';

// Bill disputes by SMS through the real webhook, queues and dialogs: the bill and the charge, the
// reason, the amount, confirmation, the policy's decision (approved at once or pending for a
// person), one dispute per charge, one adjustment per confirming message, and a one-time code
// above the configured amount. Each transcript is checked against the database.
//
// Policy here: credits up to $25.00 approved at once, at most 2 per 90 days; a code above $50.00.

const CUSTOMER_12 = '+15551230012';
const CUSTOMER_16 = '+15551230016';

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({
    env: {
      ADJUSTMENT_AUTO_APPROVE_LIMIT: '25.00',
      ADJUSTMENT_AUTO_APPROVE_PER_PERIOD: '2',
      ADJUSTMENT_PERIOD_DAYS: '90',
      // Approved credits stay approved here (no tracking workers in these tests): applying them,
      // and texting the customer, is tested in adjustments-apply.test.ts.
      ADJUSTMENT_OTP_THRESHOLD: '50.00',
    },
  });
});

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

type Turn = [says: string, expected: RegExp | RegExp[]];

/** Plays a transcript: each message, and what the one reply to it must say. */
async function transcript(from: string, turns: Turn[]): Promise<string[]> {
  const replies: string[] = [];
  for (const [says, expected] of turns) {
    const [reply = ''] = await env.converse(from, says);
    for (const pattern of Array.isArray(expected) ? expected : [expected]) expect(reply, `reply to "${says}"`).toMatch(pattern);
    expect(reply.length, `reply to "${says}"`).toBeLessThanOrEqual(480);
    replies.push(reply);
  }
  return replies;
}

async function adjustmentsOf(phoneNumber: string) {
  const { customerId } = await prisma().contactMedium.findUniqueOrThrow({ where: { phoneNumber } });
  return prisma().billAdjustment.findMany({ where: { customerId }, orderBy: { number: 'asc' }, include: { charge: true, bill: true } });
}

function referenceIn(text: string): number {
  const match = /ADJ-(\d+)/.exec(text);
  if (!match?.[1]) throw new Error(`no ADJ- reference in "${text}"`);
  return Number(match[1]);
}

/** What the contact log links to the adjustment: the messages of the turn that created it. */
async function linkedMessages(adjustmentId: string) {
  const links = await prisma().interactionItem.findMany({ where: { itemType: 'billAdjustment', itemId: adjustmentId }, include: { interaction: true } });
  return links.map((link) => [link.interaction.direction, link.action, link.interaction.direction === 'inbound' ? link.interaction.text : ''] as const);
}

describe('bill dispute by SMS', () => {
  it('approves a small credit at once, by policy, after a yes', async () => {
    const [, done] = await transcript(ALEX, [
      ["the roaming charge on my bill is wrong, I never used it", [/I'll ask for a \$20\.00 credit on INV-10003 for Roaming day pass, because: "the roaming charge on my bill is wrong, I never used it"\. Go ahead\?/, /1\) Yes 2\) No$/]],
      ['yes', /^Done: ADJ-\d+ credits \$20\.00 for Roaming day pass on INV-10003\. The credit will show on your next bill \(\w{3}, \w{3} 1\)\.$/],
    ]);
    const [adjustment] = await adjustmentsOf(ALEX);
    expect(adjustment).toMatchObject({ number: referenceIn(done ?? ''), status: 'approved', decidedBy: 'policy', channel: 'sms', reason: 'the roaming charge on my bill is wrong, I never used it' });
    expect(adjustment?.amount.toFixed(2)).toBe('20.00');
    expect(adjustment?.charge?.description).toBe('Roaming day pass: 2 days');
    expect(adjustment?.bill.number).toBe(10003);
    expect(adjustment?.decisionReason).toMatch(/^Approved automatically/);
    expect(adjustment?.decidedAt).toBeInstanceOf(Date);
    expect(adjustment?.idempotencyKey).toMatch(/^adjustment-/);
    expect(await linkedMessages(adjustment?.id ?? '')).toEqual(expect.arrayContaining([['inbound', 'created', 'yes'], ['outbound', 'created', '']]));
    const audits = await prisma().auditEvent.findMany({ where: { entityType: 'billAdjustment', entityId: adjustment?.id ?? '' } });
    expect(audits.map((audit) => audit.action).sort()).toEqual(['billAdjustment.approve', 'billAdjustment.request']);
  });

  it('refuses a second dispute of the same charge with the first reference', async () => {
    const [first] = await adjustmentsOf(ALEX);
    await transcript(ALEX, [
      ['I want to dispute the roaming charge', new RegExp(`^You've already disputed that charge: ADJ-${first?.number} for \\$20\\.00, approved, showing on your bill of \\w{3}, \\w{3} 1\\. A charge can only be disputed once\\.$`)],
    ]);
    expect(await adjustmentsOf(ALEX)).toHaveLength(1);
  });

  it('answers an adjustment reference in any case', async () => {
    const [first] = await adjustmentsOf(ALEX);
    await transcript(ALEX, [[`adj-${first?.number}`, new RegExp(`^ADJ-${first?.number}, \\$20\\.00 on INV-10003 for Roaming day pass: 2 days: approved`)]]);
    await transcript(SAM, [[`ADJ-${first?.number}`, new RegExp(`^I can't find ADJ-${first?.number} on your account\\.$`)]]);
  });

  it('lists the charges when unclear, re-prompts wrong answers, and sends a credit over the limit to a person', async () => {
    const replies = await transcript(ALEX, [
      ['I want to dispute a charge', [/^Which charge on INV-10003 do you want to dispute\?/, /6\) Mesh Wi-Fi Extender setup \$49\.00/, /8\) Roaming day pass \$20\.00/]],
      ['banana', [/^Please pick one of the charges on INV-10003/, /1\) Fiber 1 Gig \$65\.00/]],
      ['6', /^What's wrong with the Mesh Wi-Fi Extender setup charge \(\$49\.00\)\?/],
      ['ok', /^Please tell me in a few words why the Mesh Wi-Fi Extender setup charge is wrong/],
      ['the installer never came to set it up', /^I'll ask for a \$49\.00 credit on INV-10003 for Mesh Wi-Fi Extender setup, because: "the installer never came to set it up"\. Go ahead\?/],
      ['yes', /^Thanks\. I've passed your \$49\.00 credit request \(ADJ-\d+\) to our billing team, as credits over \$25\.00 need a person to approve\. We'll let you know their decision within 2 business days by text\.$/],
    ]);
    const done = replies[replies.length - 1];
    const adjustment = (await adjustmentsOf(ALEX)).find((row) => row.number === referenceIn(done ?? ''));
    expect(adjustment).toMatchObject({ status: 'pending', decidedBy: null, decidedAt: null, reason: 'the installer never came to set it up' });
    expect(adjustment?.amount.toFixed(2)).toBe('49.00');
    expect(adjustment?.decisionReason).toBe('Amount 49.00 is above the auto-approval limit of 25.00.');
  });

  it('sends a small credit to a person once the period allows no more automatic ones', async () => {
    const [, second] = await transcript(ALEX, [
      ['the international calls charge is wrong, I never called abroad', /^I'll ask for a \$14\.70 credit on INV-10003 for International calls/],
      ['yes', /^Done: ADJ-\d+ credits \$14\.70/],
    ]);
    const [, third] = await transcript(ALEX, [
      ['dispute the sports package charge, I cancelled it in the summer', /^I'll ask for a \$15\.00 credit on INV-10003 for Sports Package/],
      ['yes', /as only 2 credits every 90 days can be approved automatically/],
    ]);
    const rows = await adjustmentsOf(ALEX);
    expect(rows.find((row) => row.number === referenceIn(second ?? ''))).toMatchObject({ status: 'approved', decidedBy: 'policy' });
    expect(rows.find((row) => row.number === referenceIn(third ?? ''))).toMatchObject({ status: 'pending', decidedBy: null });
    expect(rows.filter((row) => row.decidedBy === 'policy')).toHaveLength(2);
  });

  it('refuses a charge that is not on the bill and lets the customer give up', async () => {
    await transcript(SAM, [
      ['I want a refund for the $99.99 netflix charge', [/^I can't find a charge like that on INV-10005\. Which charge do you want to dispute\?/, /1\) Mobile Essentials \$30\.00 2\) Data overage \$15\.00$/]],
      ['netflix', /^Please pick one of the charges on INV-10005/],
      ['never mind', /dropped that/i],
    ]);
    expect(await adjustmentsOf(SAM)).toHaveLength(0);
  });

  it('caps a credit at the charge, takes a smaller amount instead, and credits exactly that', async () => {
    const [, , done] = await transcript(SAM, [
      ['I want a $50 refund for the data overage, I never used extra data', /^That charge is \$15\.00, so that's the most I can credit\. I'll ask for a \$15\.00 credit on INV-10005 for Data overage/],
      ['actually just $7.50', /^I'll ask for a \$7\.50 credit on INV-10005 for Data overage/],
      ['yes', /^Done: ADJ-\d+ credits \$7\.50 for Data overage on INV-10005\./],
    ]);
    const [adjustment] = await adjustmentsOf(SAM);
    expect(adjustment?.number).toBe(referenceIn(done ?? ''));
    expect(adjustment?.amount.toFixed(2)).toBe('7.50');
    expect(adjustment?.status).toBe('approved');
  });

  it('re-asks an unclear confirmation and drops the dispute on a no', async () => {
    await transcript(CUSTOMER_16, [
      ['dispute the international calls, I have never called abroad', /^I'll ask for a \$15\.75 credit on INV-\d+ for International calls/],
      ['purple', /^Please reply Yes to ask for the \$15\.75 credit or No to drop it\./],
      ['no', /^OK, I haven't asked for a credit\./],
    ]);
    expect(await adjustmentsOf(CUSTOMER_16)).toHaveLength(0);
  });

  it('creates one adjustment when the confirming webhook is delivered twice', async () => {
    await transcript(CUSTOMER_12, [['the data overage charge is wrong, I had data left', /^I'll ask for a \$10\.00 credit on INV-\d+ for Data overage/]]);
    const before = env.twilio.state.messagesTo(CUSTOMER_12).length;
    const sid = fakeSid('SM');
    const [first, second] = await Promise.all([env.sms(CUSTOMER_12, 'yes', sid), env.sms(CUSTOMER_12, 'yes', sid)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const replies = await env.twilio.state.waitForMessages(CUSTOMER_12, before + 1);
    expect(replies.slice(before).map((message) => message.body)).toEqual([expect.stringMatching(/^Done: ADJ-\d+ credits \$10\.00 for Data overage/)]);
    // A later message proves the replay was handled (and ignored) before it.
    await transcript(CUSTOMER_12, [['thanks', /welcome/i]]);
    expect(env.twilio.state.messagesTo(CUSTOMER_12).length).toBe(before + 2);
    const rows = await adjustmentsOf(CUSTOMER_12);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('approved');
  });
});

describe('bill dispute above the one-time code threshold', () => {
  /** Says yes to the confirmation; returns the code texted and the question that followed. */
  async function confirmAndGetCode(from: string): Promise<{ code: string; question: string }> {
    const replies = await env.converse(from, 'yes', 2);
    const codeText = replies.find((reply) => /is your .* verification code/.test(reply)) ?? '';
    const code = /(\d{6})/.exec(codeText)?.[1];
    if (!code) throw new Error(`no code among ${JSON.stringify(replies)}`);
    return { code, question: replies.find((reply) => reply !== codeText) ?? '' };
  }

  it('creates nothing after wrong codes', async () => {
    await transcript(ALEX, [['dispute the Fiber 1 Gig charge, it was down all month', /^I'll ask for a \$65\.00 credit on INV-10003 for Fiber 1 Gig/]]);
    const { code, question } = await confirmAndGetCode(ALEX);
    expect(question).toMatch(/texted a 6-digit code/);
    const wrong = code === '000000' ? '111111' : '000000';
    await transcript(ALEX, [
      [wrong, /isn't right/],
      [wrong, /isn't right/],
      [wrong, /too many wrong codes/i],
    ]);
    const rows = await adjustmentsOf(ALEX);
    expect(rows.some((row) => row.charge?.description === 'Fiber 1 Gig monthly charge')).toBe(false);
  });

  it('creates the adjustment after the right code', async () => {
    await transcript(ALEX, [['dispute the TV Max charge, the channels never worked', /^I'll ask for a \$80\.00 credit on INV-10003 for TV Max/]]);
    const { code } = await confirmAndGetCode(ALEX);
    const [done] = await transcript(ALEX, [[code, /^Thanks\. I've passed your \$80\.00 credit request \(ADJ-\d+\) to our billing team/]]);
    const adjustment = (await adjustmentsOf(ALEX)).find((row) => row.number === referenceIn(done ?? ''));
    expect(adjustment).toMatchObject({ status: 'pending', decidedBy: null });
    expect(adjustment?.charge?.description).toBe('TV Max monthly charge');
    expect(adjustment?.amount.toFixed(2)).toBe('80.00');
    const challenge = await prisma().verificationChallenge.findFirst({ where: { purpose: 'bill.adjustment', status: 'verified' } });
    expect(challenge).not.toBeNull();
  });
});
