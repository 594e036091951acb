import { describe, expect, it } from 'vitest';
import { DialogHarness, type Conversation } from '../support/dialog-harness.ts';
import { FAKE_CODE } from '../support/fake-bot-services.ts';
import { ALEX, DIALOG_FIXTURE } from './support/fixture.ts';
import { atTranscriptClock, describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Web chat sign-in (dialogs/sign-in.dialog.ts, dialogs/one-time-code.dialog.ts): an anonymous
// visitor hears the same words whether the number typed is a customer's, on no account, or past
// its sign-in budget; only the chat's own budget is ever named.

const SENT = "If that number is on an account, I've texted it a 6-digit code.";
const RESENT = "If that number is on an account, I've texted it a new code.";
const CHAT_LIMIT = "You've asked for too many codes in this chat, so I can't send another. Please try again in an hour, or call +1 555 010 0100 or visit https://support.example.com.";

const cases: TranscriptCase[] = [
  {
    name: 'a resend to a typed number is worded as conditionally as the first code',
    customer: null,
    channel: 'webchat',
    steps: [
      ['whats my balance', "What's the mobile number on your account?"],
      ['555 123 0001', SENT],
      ['resend', RESENT],
      [FAKE_CODE, "Thanks, Alex, you're signed in."],
    ],
    does: [['sendVerificationCode', { target: { phone: '+15551230001' }, purpose: 'signIn' }], ['sendVerificationCode'], ['checkVerificationCode'], ['signInConversation', { customerId: ALEX }]],
  },
  {
    name: "a visitor who asks for too many codes in one chat is told so, not anything about the number",
    customer: null,
    channel: 'webchat',
    steps: [
      ['whats my balance', "What's the mobile number on your account?"],
      ['555 123 0001', SENT],
      // The number's own sign-in budget (3) runs out first: nothing is said of it.
      ['resend', RESENT],
      ['resend', RESENT],
      ['resend', RESENT],
      ['resend', RESENT],
      ['resend', CHAT_LIMIT],
    ],
    does: Array.from({ length: 6 }, () => ['sendVerificationCode'] as const),
    reason: 'verification.signInLimited',
  },
];

describeTranscripts('web chat sign-in wording', cases);

describe('web chat sign-in says nothing about the number', () => {
  atTranscriptClock();

  /** A sign-in with the number typed, three wrong codes and a resend between: every reply, the number masked. */
  async function signInReplies(conversation: Conversation, typed: string): Promise<string[]> {
    const replies: string[] = [];
    for (const says of ['whats my balance', typed, '000000', 'resend', '111111', '222222', '333333']) {
      replies.push((await conversation.say(says)).text.replaceAll(typed, '<number>'));
    }
    return replies;
  }

  it("answers a customer's number, a number on no account and one past its sign-in budget word for word alike", async () => {
    const harness = new DialogHarness(DIALOG_FIXTURE);
    const visitor = () => harness.conversation({ customerId: null, channel: 'webchat' });
    const customer = await signInReplies(visitor(), '555 123 0002');
    const noAccount = await signInReplies(visitor(), '555 999 0000');
    // A stranger uses up Alex's sign-in budget (3 an hour) from other chats first.
    for (let chat = 0; chat < 3; chat++) {
      const stranger = visitor();
      await stranger.say('whats my balance');
      await stranger.say('555 123 0001');
    }
    const exhausted = await signInReplies(visitor(), '555 123 0001');
    expect(customer[1]).toContain(SENT);
    expect(noAccount).toEqual(customer);
    expect(exhausted).toEqual(customer);
    expect(harness.services.signedIn.size).toBe(0);
  });
});
