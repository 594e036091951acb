import { ALEX, JORDAN, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Fault reports (dialogs/trouble-ticket.dialog.ts): which service, a known outage, one self-help
// step, since when, what is wrong, confirm, then a ticket.

const SELF_HELP_ROUTER = 'Before I open a ticket: Restarting the router fixes many problems';

const cases: TranscriptCase[] = [
  {
    name: 'a typo still names the service, and a router restart that fixes it opens no ticket',
    steps: [
      ['my internt is down', SELF_HELP_ROUTER],
      ['yes', "Great, glad it's working again. I haven't opened a ticket"],
    ],
    reason: 'ticket.create.selfHelpFixed.restart-router',
  },
  {
    name: 'two facts in one message: since when and what is wrong are not asked again',
    steps: [
      ['internet down since yesterday, lights blinking', SELF_HELP_ROUTER],
      ['no', `I'll open a fault ticket for your internet: "internet down since yesterday, lights blinking" since Thu, Nov 26. Shall I go ahead?`],
      ['yes', /^Done\. Your ticket is TT-200002\. We aim to fix it by Sun, Nov 29, 7:00 AM\./],
    ],
    does: [['openTroubleTicket', { customerId: ALEX, serviceType: 'internet', productId: 'prod-alex-internet', description: 'internet down since yesterday, lights blinking', channel: 'sms' }]],
    reason: 'ticket.create',
  },
  {
    name: 'asked since when, the answer is read as a date and the ticket opened once',
    steps: [
      ['my internet keeps dropping', SELF_HELP_ROUTER],
      ['no', 'Since when has your internet had the problem?'],
      ['since monday', '"my internet keeps dropping" since Mon, Nov 23. Shall I go ahead?'],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { serviceType: 'internet', description: 'my internet keeps dropping', idempotencyKey: 'ticket-conversation-1-in-4' }]],
  },
  {
    name: 'an angry repeat report ("THIRD time") goes through the same steps and opens one ticket',
    steps: [
      ['this is the THIRD time, fix it. internet is down again', SELF_HELP_ROUTER],
      ['no', 'Since when has your internet had the problem?'],
      ['since friday', '"this is the THIRD time, fix it. internet is down again" since Fri, Nov 27.'],
      ['YES', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { serviceType: 'internet', description: 'this is the THIRD time, fix it. internet is down again' }]],
  },
  {
    name: 'a customer with several services picks one by number, skips self-help and describes the fault',
    steps: [
      ['something is wrong with my service', ['Sorry to hear that. Which service is affected?']],
      ['2', 'Restarting your phone often helps'],
      ['skip', 'Since when has your mobile had the problem?'],
      ['yesterday', 'In a few words, what is happening?'],
      ['keeps buffering', `I'll open a fault ticket for your mobile: "keeps buffering" since Thu, Nov 26. Shall I go ahead?`],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { serviceType: 'mobile', productId: 'prod-alex-mobile', description: 'keeps buffering' }]],
  },
  {
    name: '"the tv one" picks TV from the list of services',
    steps: [
      ['something is wrong with my service', 'Which service is affected?'],
      ['the tv one', 'Restarting the TV box often helps'],
    ],
  },
  {
    name: 'the customer does not know when it started: no date on the ticket, and "no" opens nothing',
    steps: [
      ['my phone has no signal', 'Restarting your phone often helps'],
      ['no', 'Since when has your mobile had the problem?'],
      ['idk', `I'll open a fault ticket for your mobile: "my phone has no signal". Shall I go ahead?`],
      ['no', "OK, I haven't opened a ticket."],
    ],
    reason: 'ticket.create.declined',
  },
  {
    name: 'a date in the future is asked again',
    steps: [
      ['my tv is not working', 'Restarting the TV box often helps'],
      ['no', 'Since when has your TV had the problem?'],
      ['since tomorrow', 'When did it start? A day or time is fine, or "not sure".'],
    ],
  },
  {
    name: 'a customer with one service is not asked which one',
    customer: SAM,
    steps: [
      ['internet is super slow', SELF_HELP_ROUTER],
      ['skip', 'Since when has your internet had the problem?'],
      ['yesterday', '"internet is super slow" since Thu, Nov 26. Shall I go ahead?'],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { customerId: SAM, productId: 'prod-sam-internet' }]],
  },
  {
    name: 'a known outage in the area links the customer to it, once',
    customer: JORDAN,
    steps: [
      ['internet down since yesterday, lights blinking', "There's a known outage in your area: a fiber cable was cut near Valencia Street. Expected fix: Fri, Nov 27, 6:00 PM. I've linked you to it as TT-200002"],
      ['my internet is down', "You're already linked to the outage in your area as TT-200002"],
    ],
    does: [
      ['linkCustomerToOutage', { customerId: JORDAN, outageId: 'outage-1', productId: 'prod-jordan-internet', description: 'internet down since yesterday, lights blinking' }],
      ['linkCustomerToOutage', { outageId: 'outage-1', description: 'my internet is down' }],
    ],
    reason: 'ticket.create.outage',
  },
  {
    name: '"help" mid-report answers and asks the same question again; "agent" hands over',
    steps: [
      ['report a fault', 'Which service is affected?'],
      ['help', ['I can help with faults', 'Which service is affected?']],
      ['tv', 'Restarting the TV box often helps'],
      ['agent', "I'm passing you to our technical support team. You're number 1 in line; the wait is about 2 minutes."],
    ],
    does: [['requestHandoff', { customerId: ALEX, reason: 'customer_asked', intent: 'ticket.create' }]],
    reason: 'agent.request',
  },
  {
    name: '"never mind" mid-report drops it',
    steps: [
      ['tv not working', 'Restarting the TV box often helps'],
      ['never mind', "OK, I've dropped that. What can I help you with?"],
    ],
    reason: 'conversation.startOver',
  },
  {
    name: 'a question about the bill at the confirmation replaces the report',
    steps: [
      ['my internet is down', SELF_HELP_ROUTER],
      ['no', 'Since when'],
      ['since yesterday', 'Shall I go ahead?'],
      ['wait, whats my bill', 'INV-10003 (Sun, Nov 1): $224.95, due Tue, Dec 1.'],
    ],
    reason: 'bill.inquiry.charges',
  },
  {
    name: '"since this morning" is this morning in the operator\'s time zone',
    bug: 'relative dates are resolved in UTC, so 7 am in Los Angeles reads "this morning" as yesterday',
    steps: [
      ['my internet has been down since this morning', SELF_HELP_ROUTER],
      ['no', '"my internet has been down since this morning" since Fri, Nov 27.'],
    ],
  },
];

describeTranscripts('trouble ticket transcripts', cases);
