import { describe, expect, it } from 'vitest';
import { DialogHarness } from '../support/dialog-harness.ts';
import { FAKE_CODE } from '../support/fake-bot-services.ts';
import { ALEX, DIALOG_FIXTURE } from './support/fixture.ts';
import { atTranscriptClock, describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// On a call the caller ID names the customer but proves nothing (it can be forged): the caller
// is greeted by name, and anything about the account (bills, tickets, orders, profile, money)
// waits for a one-time code texted to the number on file (dialogs/prove-caller.dialog.ts).
// The channel's voice layer turns the code a caller says ("one two three four five six") into
// digits before the bot sees it; here the bot gets what that layer hands over. SMS is unchanged:
// the number texting in is proof.

const CODE_SENT = "To keep your account safe, I've texted a 6-digit code to your number ending 0001.";
const SAY_CODE = 'Please say the code or key it in, or "resend" for a new one.';
const PROVEN = "Thanks, Alex, that's you confirmed.";

const cases: TranscriptCase[] = [
  {
    name: 'a caller asking what they owe gets a code first, then the balance',
    channel: 'voice',
    steps: [
      ['what do I owe', [CODE_SENT, SAY_CODE]],
      [FAKE_CODE, [PROVEN, 'You owe $224.95: INV-10003, due Tue, Dec 1.']],
    ],
    does: [['sendVerificationCode', { target: { customerId: ALEX }, purpose: 'caller.identity' }], ['checkVerificationCode', { answer: FAKE_CODE }]],
    reason: 'bill.inquiry.balance',
  },
  {
    name: 'once proven, the next request on the call needs no second code',
    channel: 'voice',
    steps: [
      ['what do I owe', CODE_SENT],
      [FAKE_CODE, 'You owe $224.95'],
      ['where is my order', /ORD-|order/i],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode']],
  },
  {
    name: 'a wrong code tells nothing about the account and asks again',
    channel: 'voice',
    steps: [
      ['show me my bill', CODE_SENT],
      ['000000', "That code isn't right. 2 tries left."],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode', { answer: '000000' }]],
  },
  {
    name: 'three wrong codes end it without the account',
    channel: 'voice',
    steps: [
      ['I want to check on my repair ticket', CODE_SENT],
      ['000000', "That code isn't right."],
      ['111111', "That code isn't right."],
      ['222222', "That's too many wrong codes, so I can't go ahead."],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode'], ['checkVerificationCode'], ['checkVerificationCode']],
  },
  {
    name: 'a caller who reports a fault proves who they are before a ticket is opened',
    channel: 'voice',
    steps: [['my internet is down', CODE_SENT]],
    does: [['sendVerificationCode', { purpose: 'caller.identity' }]],
    reason: 'verification.caller',
  },
  {
    name: 'a caller is greeted by name without a code',
    channel: 'voice',
    steps: [['hello', 'Hi Alex!']],
  },
  {
    name: 'offers are told without a code; ordering one asks for it',
    channel: 'voice',
    steps: [['what tv add-ons do you have', "I'll check who you are first"]],
  },
  {
    name: 'a caller who asks for a person is passed to the call, which puts them through (no text handoff)',
    channel: 'voice',
    steps: [['can I speak to a real person', 'Let me find you a person.']],
    reason: 'agent.request',
  },
  {
    name: 'on SMS the number texting in is proof: the balance at once, no code',
    steps: [['what do I owe', 'You owe $224.95: INV-10003, due Tue, Dec 1.']],
  },
  {
    name: 'a caller whose number is on no account is asked for the account number or the number on file, then proves it with a code',
    channel: 'voice',
    customer: null,
    steps: [
      ['what do I owe', /^First I need to check it's you\. Please say or key in your account number, or the phone number on your account, and I'll text a code to the number we have on file\.$/],
      // Speech-to-text writes a number read digit by digit as words as often as digits.
      ['yeah it\'s five five five, one two three, zero zero zero one', ["If that number is on an account, I've texted it a 6-digit code.", SAY_CODE]],
      [FAKE_CODE, [PROVEN, 'You owe $224.95: INV-10003, due Tue, Dec 1.']],
    ],
    does: [['sendVerificationCode', { target: { phone: '+15551230001' }, purpose: 'signIn' }], ['checkVerificationCode', { answer: FAKE_CODE }], ['signInConversation', { customerId: ALEX }]],
    reason: 'bill.inquiry.balance',
  },
  {
    name: 'an unknown caller can give the account number instead (the voice layer hands over its digits): the code goes to the number on file',
    channel: 'voice',
    customer: null,
    steps: [
      ['is my internet down', /account number/],
      ['10001', ["If that account is ours, I've texted a 6-digit code to the phone number on file.", SAY_CODE]],
      [FAKE_CODE, PROVEN],
    ],
    does: [['sendVerificationCode', { target: { accountNumber: 'ACC-10001' } }], ['checkVerificationCode'], ['signInConversation', { customerId: ALEX }]],
  },
  {
    name: 'an account said with its letters works the same; one we do not have gets the same words and never proves anyone',
    channel: 'voice',
    customer: null,
    steps: [
      ['show me my bill', /account number/],
      ['A C C 99999', "If that account is ours, I've texted a 6-digit code to the phone number on file."],
      [FAKE_CODE, "That code isn't right."],
    ],
    does: [['sendVerificationCode', { target: { accountNumber: 'ACC-99999' } }], ['checkVerificationCode']],
  },
  {
    name: 'an answer that names neither is asked for again, in words for the ear',
    channel: 'voice',
    customer: null,
    steps: [
      ['what do I owe', /account number/],
      ['I am not sure', 'Please say your account number, like A C C 1 2 3 4 5, or the full phone number on your account, like 555 123 4567.'],
    ],
  },
];

describeTranscripts('voice: caller ID is a hint, a code is proof', cases);

describe('voice wording comes from the channel’s capabilities', () => {
  atTranscriptClock();

  it('asks for the code to be said or keyed on a call, and replied to in writing', async () => {
    const harness = new DialogHarness(DIALOG_FIXTURE);
    const call = await harness.conversation({ customerId: ALEX, channel: 'voice' }).say('I want to update my email');
    expect(call.text).toContain(SAY_CODE);
    expect(call.text).not.toMatch(/\breply\b/i);
  });

  it('asks again with "say", not "reply", on a call; SMS keeps "reply"', async () => {
    const harness = new DialogHarness(DIALOG_FIXTURE);
    const call = harness.conversation({ customerId: ALEX, channel: 'voice' });
    await call.say('I want to cancel my tv');
    await call.say(FAKE_CODE);
    await call.say('too expensive');
    const again = await call.say('hmm purple');
    expect(again.text).toContain('Please say YES to take the offer or NO to carry on with the cancellation.');
    expect(again.text).not.toMatch(/\breply\b/i);
    const sms = harness.conversation({ customerId: ALEX, channel: 'sms' });
    await sms.say('I want to cancel my tv');
    await sms.say('too expensive');
    expect((await sms.say('hmm purple')).text).toContain('Please reply YES to take the offer');
  });

  it('offers a person "to take your call" on a call, "to text you" on SMS', async () => {
    const harness = new DialogHarness(DIALOG_FIXTURE);
    const call = harness.conversation({ customerId: ALEX, channel: 'voice' });
    await call.say('blorp fizz');
    const offered = await call.say('wibble wobble');
    expect(offered.text).toContain('Shall I ask a person from our team to take your call?');
    const sms = harness.conversation({ customerId: ALEX, channel: 'sms' });
    await sms.say('blorp fizz');
    expect((await sms.say('wibble wobble')).text).toContain('to text you?');
  });
});
