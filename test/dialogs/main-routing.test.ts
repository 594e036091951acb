import { FAKE_CODE } from '../support/fake-bot-services.ts';
import { ALEX, JORDAN, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// The main dialog (dialogs/main.dialog.ts) and what works everywhere (dialogs/cancel-and-help.dialog.ts):
// greetings, help, a person, not understood, clarifying questions, unknown senders, web chat sign-in.

const HELP = 'I can help with faults ("my internet is down") and tickets, your bill and charges you dispute';
const NOT_UNDERSTOOD = "Sorry, I didn't understand.";
const AGENT = "I'm passing you to our customer care team. You're number 1 in line; the wait is about 2 minutes. A person will answer right here. If it's urgent, call +1 555 010 0100 or visit https://support.example.com.";
const UNKNOWN_NUMBER = "Hi, this is Northwind Telecom. We couldn't match this number to an account, so I can't help with that by text.";

const cases: TranscriptCase[] = [
  {
    name: 'a greeting uses the customer\'s name and says what the bot can do',
    steps: [['hi', ['Hi Alex!', HELP, 'Reply STOP to opt out.']]],
    reason: 'greeting',
  },
  {
    name: 'help on SMS mentions STOP',
    steps: [['help', [HELP, 'Reply STOP to opt out.']]],
  },
  {
    name: 'help on web chat does not mention STOP',
    customer: null,
    channel: 'webchat',
    steps: [['help', /^I can help with faults[^\n]*anytime\.$/]],
  },
  {
    name: 'asking for a person is recorded and answered',
    steps: [['can i talk to a real person', AGENT]],
    does: [['requestHandoff', { customerId: ALEX, inboundId: 'conversation-1-in-1', reason: 'customer_asked', intent: null }]],
    reason: 'agent.request',
  },
  {
    name: 'two messages not understood in a row offer a person; yes hands over',
    steps: [
      ['asdfgh', NOT_UNDERSTOOD],
      ['blorp', "Sorry, I'm still not following. Shall I ask a person from our team to text you?"],
      ['yes', AGENT],
    ],
    does: [['requestHandoff', { inboundId: 'conversation-1-in-3', reason: 'not_understood' }]],
  },
  {
    name: 'two messages not understood in a row offer a person; no explains what the bot can do',
    steps: [
      ['the weather is nice', NOT_UNDERSTOOD],
      ['purple monkey', 'Shall I ask a person from our team to text you?'],
      ['no', `OK. ${HELP}`],
    ],
  },
  {
    name: 'thanks and goodbye',
    steps: [
      ['thanks!', "You're welcome!"],
      ['bye', 'Thanks for contacting Northwind Telecom. Bye for now!'],
    ],
  },
  {
    name: 'a message naming two requests asks which one',
    steps: [['bill or fault?? idk my internet bill', 'Just to be sure: is this about your bill (1) or a fault with a service (2)?']],
    reason: 'clarify',
  },
  {
    name: 'a yes with no question open answers "does it work again?" about a resolved ticket',
    customer: SAM,
    steps: [['yes it works now', "Great, thanks for confirming. I've closed TT-100009."]],
    does: [['answerResolutionQuestion', [SAM, 'affirm']]],
    reason: 'ticket.resolutionConfirmation.affirm',
  },
  {
    name: 'a yes with no question open and nothing to confirm',
    steps: [['yes', 'Sorry, I lost track of what we were talking about.']],
    does: [['answerResolutionQuestion', [ALEX, 'affirm']]],
  },
  {
    name: 'an unknown number asking about its account is sent elsewhere',
    customer: null,
    steps: [['whats my balance', UNKNOWN_NUMBER]],
    reason: 'customer.unknown',
  },
  {
    name: 'an unknown number saying hello is sent elsewhere too',
    customer: null,
    steps: [['hello', UNKNOWN_NUMBER]],
  },
  {
    name: 'an anonymous web chat visitor signs in by code, then gets the answer they asked for',
    customer: null,
    channel: 'webchat',
    steps: [
      ['whats my balance', "First I need to check it's you. What's the mobile number on your account?"],
      ['555-123-0001', "If that number is on an account, I've texted it a 6-digit code."],
      [FAKE_CODE, ["Thanks, Alex, you're signed in.", 'You owe $224.95: INV-10003, due Tue, Dec 1.']],
    ],
    does: [
      ['sendVerificationCode', { target: { phone: '+15551230001' }, purpose: 'signIn' }],
      ['checkVerificationCode', { answer: FAKE_CODE }],
      ['signInConversation', { customerId: ALEX }],
    ],
    reason: 'bill.inquiry.balance',
  },
  {
    name: 'a web chat sign-in survives a wrong code and a resend',
    customer: null,
    channel: 'webchat',
    steps: [
      ['whats my balance', "What's the mobile number on your account?"],
      ['555-123-0001', "I've texted it a 6-digit code."],
      ['000000', "That code isn't right. 2 tries left."],
      ['resend', "If that number is on an account, I've texted it a new code."],
      [FAKE_CODE, "Thanks, Alex, you're signed in."],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode', { answer: '000000' }], ['sendVerificationCode'], ['checkVerificationCode', { answer: FAKE_CODE }], ['signInConversation']],
  },
  {
    name: 'a fault reported before sign-in is carried on after it (outage in the area)',
    customer: null,
    channel: 'webchat',
    steps: [
      ['my internet is down', "First I need to check it's you."],
      ['555 123 0003', "I've texted it a 6-digit code."],
      [FAKE_CODE, ["Thanks, Jordan, you're signed in.", "There's a known outage in your area"]],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode'], ['signInConversation', { customerId: JORDAN }], ['linkCustomerToOutage', { customerId: JORDAN, channel: 'webchat' }]],
  },
  {
    name: '"start over" with nothing in progress is not a misunderstanding',
    bug: 'outside a dialog "start over" (which the help text offers "anytime") is answered "Sorry, I didn\'t understand"',
    steps: [['start over', /^(?!Sorry, I didn't understand)/]],
  },
  {
    name: '"no still broken" answers "does it work again?" about a resolved ticket',
    customer: SAM,
    bug: 'the recogniser does not read "no still broken" as a no, so the resolved ticket is not reopened',
    steps: [['no still broken', "Sorry it's still not right. I've reopened TT-100009"]],
    does: [['answerResolutionQuestion', [SAM, 'deny']]],
  },
  {
    name: '"not sure" is not a yes',
    customer: SAM,
    bug: 'the recogniser reads "not sure" as affirm, which confirms a resolved ticket as fixed',
    steps: [['not sure', /^(?!Great, thanks for confirming)/]],
  },
];

describeTranscripts('main routing transcripts', cases);
