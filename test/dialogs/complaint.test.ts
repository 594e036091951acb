import { expect } from 'vitest';
import { ALEX, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Complaints (dialogs/complaint.dialog.ts), written as angry customers write them. Every
// complaint is logged in the customer's words; from a customer at high risk of leaving (Sam: a
// stored high churn band) it goes straight to a person on the retention team; from anyone else
// the bot apologises and offers a person.

const OFFER = "I'm sorry about this. I've logged your complaint in your own words, so our team can see it. Would you like a person to take it up with you now?";

const cases: TranscriptCase[] = [
  {
    name: 'a high-risk customer’s complaint goes to the retention team at once, with the complaint and the risk in the packet',
    customer: SAM,
    steps: [
      [
        'I want to make a formal complaint. Your engineer was supposed to come Tuesday, I took the day off work and NOBODY showed up. Again.',
        "I'm passing you to our sales team.",
      ],
    ],
    does: [
      ['recordComplaint', { customerId: SAM, churnBand: 'high', text: expect.stringContaining('NOBODY showed up') }],
      ['requestHandoff', { reason: 'complaint_high_churn', intent: 'complaint', collected: { complaint: expect.stringContaining('formal complaint'), churn: expect.stringContaining('high') } }],
    ],
    reason: 'agent.request',
  },
  {
    name: 'a low-risk customer’s complaint is logged and a person offered; no leaves it logged',
    steps: [
      ['how do i complain about the guy in your store, he was so rude to me', OFFER],
      ['no its fine', 'OK, your complaint stays logged and our team will review it.'],
    ],
    does: [['recordComplaint', { customerId: ALEX, churnBand: null, text: 'how do i complain about the guy in your store, he was so rude to me' }]],
    reason: 'complaint.logged',
  },
  {
    name: 'a low-risk customer who wants a person for the complaint gets one, with the complaint in hand',
    steps: [
      ['this is a complaint. 3 outages this month and I am still paying full price!!!', OFFER],
      ['yes', "I'm passing you to our sales team."],
    ],
    does: [
      ['recordComplaint', { customerId: ALEX }],
      ['requestHandoff', { reason: 'customer_asked', intent: 'complaint', collected: { complaint: 'this is a complaint. 3 outages this month and I am still paying full price!!!' } }],
    ],
  },
  {
    name: 'someone the channel cannot identify can complain too: logged and offered a person',
    customer: null,
    channel: 'webchat',
    steps: [['im complaining about your website, it logged me out 4 times', OFFER]],
    does: [['recordComplaint', { customerId: null }]],
    reason: 'complaint.logged',
  },
  {
    name: 'asking after an earlier complaint is not a new one',
    steps: [['any update on my complaint from last week?', /TT-/]],
    reason: 'ticket.status',
  },
];

describeTranscripts('complaint transcripts', cases);
