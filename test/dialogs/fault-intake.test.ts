import { ALEX, CASEY, JORDAN, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Fault reports as customers really write them (issue 16): misspelt dates, symptoms given while
// asked something else, corrections, "about a week", and a change of mind into another request.
// Each is judged by the ticket it opens: nothing asked twice, every fact in the description.

const SELF_HELP_ROUTER = 'Before I open a ticket: Restarting the router fixes many problems';

const cases: TranscriptCase[] = [
  {
    name: 'the issue\'s transcript: a misspelt "yestrday" is read, and the symptoms given later reach the ticket',
    steps: [
      ['hi my internet is down since yestrday, nothing works', SELF_HELP_ROUTER],
      ['no still broken', /^I'll open a fault ticket for your internet: "hi my internet is down since yestrday, nothing works" since Thu, Nov 26\. Shall I go ahead\?$/],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { serviceType: 'internet', description: 'hi my internet is down since yestrday, nothing works', issueStartedAt: new Date('2026-11-26T15:00:00.000Z') }]],
    reason: 'ticket.create',
  },
  {
    name: 'symptoms given instead of a date are kept, and since-when is asked once more, not twice more',
    steps: [
      ['my internet is down', SELF_HELP_ROUTER],
      ['no still broken', 'Since when has your internet had the problem?'],
      ['wifi shows connected but no pages load, lights r blinking orange', "Thanks, I've noted that. And since when has your internet had the problem?"],
      ['yesterday evening', /^I'll open a fault ticket for your internet: "my internet is down\. wifi shows connected but no pages load, lights r .*" since Thu, Nov 26\. Shall I go ahead\?$/],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { description: 'my internet is down. wifi shows connected but no pages load, lights r blinking orange', issueStartedAt: new Date('2026-11-27T04:00:00.000Z') }]],
  },
  {
    name: 'a "no" with details to "did that fix it?" keeps the details for the ticket',
    steps: [
      ['internet keeps dropping since monday', SELF_HELP_ROUTER],
      ['nope, still dropping every 10 min even after the restart', /"internet keeps dropping since monday\. nope, still dropping every 10 min .*" since Mon, Nov 23\./],
      ['yes pls', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { description: 'internet keeps dropping since monday. nope, still dropping every 10 min even after the restart' }]],
  },
  {
    name: '"about a week" is a since-when',
    steps: [
      ['my tv keeps freezing', 'Restarting the TV box often helps'],
      ['didnt help', 'Since when has your TV had the problem?'],
      ['about a week', /"my tv keeps freezing" since Fri, Nov 20\. Shall I go ahead\?/],
    ],
  },
  {
    name: '"like 3 days" in SMS spelling is a since-when',
    steps: [
      ['tv pixelated on every channel', 'Restarting the TV box often helps'],
      ['no', 'Since when'],
      ['like 3 days', /since Tue, Nov 24\./],
    ],
  },
  {
    name: '"since last night" texted early on Friday is Thursday night in the operator\'s time zone',
    steps: [
      ['my internet has been dead since last night', SELF_HELP_ROUTER],
      ['no', /"my internet has been dead since last night" since Thu, Nov 26\./],
    ],
  },
  {
    name: '"since this morning" is this morning in the operator\'s time zone',
    steps: [
      ['no internet since this morning', SELF_HELP_ROUTER],
      ['no', /since Fri, Nov 27\./],
    ],
  },
  {
    name: 'a misspelt weekday ("wensday") is read',
    steps: [
      ['mobile data not working since wensday', 'Restarting your phone often helps'],
      ['no', /since Wed, Nov 25\./],
    ],
  },
  {
    name: 'a correction mid-report switches the service and keeps what was said',
    customer: CASEY,
    steps: [
      ['my tv has no sound', 'Restarting the TV box often helps'],
      ['wait sorry its not the tv, its the home phone', ['OK, the home phone then.']],
    ],
    reason: 'ticket.create.corrected',
  },
  {
    name: 'after the correction the ticket is opened for the home phone, with the correction in its description',
    customer: CASEY,
    steps: [
      ['tv not working', 'Restarting the TV box often helps'],
      ['actually its the home phone not the tv, no dial tone', ['OK, the home phone then.', 'Please check the cable from the phone to the wall socket']],
      ['no', 'Since when has your home phone had the problem?'],
      ['since yesterday', 'I\'ll open a fault ticket for your home phone: "tv not working. actually its the home phone not the tv, no dial tone" since Thu, Nov 26. Shall I go ahead?'],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { customerId: CASEY, serviceType: 'landline', productId: 'prod-casey-phone', description: 'tv not working. actually its the home phone not the tv, no dial tone' }]],
  },
  {
    name: '"no im not reporting a fault, i want to dispute…" leaves the report for the dispute',
    steps: [
      ['something is wrong with my service', 'Which service is affected?'],
      ['no im not reporting a fault, i want to dispute the intl calls charge', "What's wrong with the International calls charge ($7.50)?"],
    ],
    reason: 'bill.dispute',
  },
  {
    name: 'a question about the outage right after reporting it gives the restore estimate',
    customer: JORDAN,
    steps: [
      ['wifi not working', "There's a known outage in your area"],
      ['so when will it be back??', 'Expected fix: Fri, Nov 27, 6:00 PM.'],
    ],
    does: [['linkCustomerToOutage', { customerId: JORDAN }]],
    reason: 'ticket.status',
  },
  {
    name: '"so when will it be back??" after an outage text, with no ticket, gives the restore estimate',
    customer: JORDAN,
    steps: [['so when will it be back??', "There's a network outage affecting internet in your area: a fiber cable was cut near Valencia Street. Expected fix: Fri, Nov 27, 6:00 PM."]],
    reason: 'ticket.status.outage',
  },
  {
    name: 'a resolved ticket: "YES its working now thx" closes it',
    customer: SAM,
    steps: [['YES its working now thx', "Great, thanks for confirming. I've closed TT-100009."]],
    does: [['answerResolutionQuestion', [SAM, 'affirm']]],
    reason: 'ticket.resolutionConfirmation.affirm',
  },
  {
    name: 'a resolved ticket: "nope still dropping every 10 min" reopens it',
    customer: SAM,
    steps: [['nope still dropping every 10 min', "Sorry it's still not right. I've reopened TT-100009"]],
    does: [['answerResolutionQuestion', [SAM, 'deny']]],
    reason: 'ticket.resolutionConfirmation.deny',
  },
  {
    name: 'a resolved ticket: "yeah all good now" closes it',
    customer: SAM,
    steps: [['yeah all good now', "I've closed TT-100009."]],
    does: [['answerResolutionQuestion', [SAM, 'affirm']]],
  },
  {
    name: 'a resolved ticket: "not sure, maybe" neither closes nor reopens it',
    customer: SAM,
    steps: [['not sure, maybe', /^(?!Great, thanks for confirming)(?!Sorry it's still not right)/]],
  },
  {
    name: 'no resolved ticket: "nope still dropping" is a fault report',
    steps: [['nope, its still dropping, the internet', SELF_HELP_ROUTER]],
    does: [['answerResolutionQuestion', [ALEX, 'deny']]],
  },
];

describeTranscripts('fault intake transcripts', cases);
