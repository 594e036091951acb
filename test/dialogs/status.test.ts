import { SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Ticket and order status (dialogs/ticket-status.dialog.ts, dialogs/order-status.dialog.ts): by
// reference (the customer's own only), or their open (else latest) ones.

const TT_100001 = 'TT-100001 (internet, opened Wed, Nov 25): being worked on by a technician. Expected fix by Sat, Nov 28, 12:00 PM.';
const ORD_100001 = 'ORD-100001 (Sports Package, placed Tue, Nov 24): being set up. Expected by Tue, Dec 1.';

const cases: TranscriptCase[] = [
  {
    name: 'no reference: the open tickets',
    steps: [['whats the status of my ticket', TT_100001]],
    reason: 'ticket.status',
  },
  {
    name: 'a bare ticket reference gives that ticket and its latest update',
    steps: [['TT-100001', `${TT_100001} Latest (Thu, Nov 26): A technician is booked for Saturday morning.`]],
    reason: 'ticket.status',
  },
  {
    name: 'a ticket not on the account lists the customer\'s own',
    steps: [['any update on TT-999999?', "I can't find ticket TT-999999 on your account. Your recent tickets: TT-100001."]],
  },
  {
    name: 'no tickets at all',
    customer: SAM,
    steps: [['ticket status', 'You have no fault tickets with us.']],
  },
  {
    name: 'no reference: the open orders',
    steps: [['where is my order', ORD_100001]],
    reason: 'order.status',
  },
  {
    name: 'an order reference with "status"',
    steps: [['ORD-100001 status', ORD_100001]],
  },
  {
    name: 'an order not on the account lists the customer\'s own',
    steps: [['status of order ORD-424242', "I can't find order ORD-424242 on your account. Your recent orders: ORD-100001."]],
  },
  {
    name: 'no orders at all',
    customer: SAM,
    steps: [['has my order shipped yet?', 'You have no orders with us.']],
  },
  {
    name: 'changing their mind mid-report: an order status question replaces the fault report',
    steps: [
      ['my internet is down', 'Before I open a ticket'],
      ['actually whats the status of my order ORD-100001', ORD_100001],
    ],
    reason: 'order.status',
  },
];

describeTranscripts('ticket and order status transcripts', cases);
