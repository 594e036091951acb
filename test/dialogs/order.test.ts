import { ALEX, JORDAN, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Orders and offers (dialogs/order.dialog.ts, dialogs/offers.dialog.ts): find the offering meant,
// check eligibility, state price, fee and commitment, confirm, then place the order.

const PLACED = /^Done\. Your order is ORD-200002 \(/;

const cases: TranscriptCase[] = [
  {
    name: 'a plan named loosely ("the 2 gig plan") is a plan change, read back with price, fee and commitment',
    steps: [
      ['i want the 2 gig plan', 'Switch your Fiber 1 Gig to Fiber 2 Gig: $95.00 a month (now $65.00), $99.00 one-time fee, 12-month commitment. Shall I place the order?'],
      ['yes', [PLACED, 'ORD-200002 (Fiber 2 Gig)', 'expected by Fri, Dec 4']],
    ],
    does: [['placeProductOrder', { customerId: ALEX, offeringCode: 'FIBER-2G', intent: {}, channel: 'sms', idempotencyKey: 'order-conversation-1-in-2' }]],
    reason: 'order.create.placed',
  },
  {
    name: 'a misspelt plan ("unlimted plus") is found; "no" places nothing',
    steps: [
      ['can i get unlimted plus', 'Switch your Mobile Unlimited to Mobile Unlimited Plus: $75.00 a month (now $55.00)'],
      ['no', "OK, I haven't placed an order."],
    ],
    reason: 'order.create.declined',
  },
  {
    name: 'changing their mind at the confirmation ("no, the 300 one") orders the other plan',
    steps: [
      ['i want the 2 gig plan', 'Switch your Fiber 1 Gig to Fiber 2 Gig'],
      ['no, the 300 one', 'Switch your Fiber 1 Gig to Fiber 300: $50.00 a month (now $65.00), no one-time fee, no commitment.'],
      ['yes', 'ORD-200002 (Fiber 300)'],
    ],
    does: [['placeProductOrder', { offeringCode: 'FIBER-300' }]],
  },
  {
    name: '"upgrade my internet" lists the internet options; a number picks one; "no" orders nothing',
    steps: [
      ['upgrade my internet', 'Which internet option would you like?'],
      ['2', 'Add Mesh Wi-Fi Extender to your internet: $10.00 a month, $49.00 one-time fee, no commitment.'],
      ['no', "OK, I haven't placed an order."],
    ],
  },
  {
    name: 'no offering named: a service, then an option from the list, then yes',
    steps: [
      ['i want to order something', 'What would you like to order? Name a plan or add-on, or pick a service:'],
      ['tv', 'Which TV option would you like?'],
      ['1', 'Switch your TV Basic to TV Max: $80.00 a month (now $35.00), $25.00 one-time fee'],
      ['yes', 'ORD-200002 (TV Max)'],
    ],
    does: [['placeProductOrder', { offeringCode: 'TV-MAX' }]],
  },
  {
    name: '"add a new line" orders a second mobile line, not a plan change',
    steps: [
      ['add a new line on mobile essentials', 'A new mobile line on Mobile Essentials: $30.00 a month, $10.00 one-time fee, no commitment.'],
      ['yes', 'ORD-200002 (Mobile Essentials)'],
    ],
    does: [['placeProductOrder', { offeringCode: 'MOBILE-ESSENTIALS', intent: { newLine: true } }]],
  },
  {
    name: 'an add-on already on order is refused with the order reference',
    steps: [['order sports package', 'Sports Package is already on order (ORD-100001). Text "order status" for an update.']],
    reason: 'order.create.refused.alreadyOrdered',
  },
  {
    name: 'an overdue bill stops every order, and says which bill',
    customer: JORDAN,
    steps: [['i want fiber 2 gig', "Your bill INV-10010 ($91.19) is past its due date, so I can't take new orders until it's paid."]],
    reason: 'order.create.refused.arrears',
  },
  {
    name: 'casual words for an add-on ("the mesh wifi thing") are enough',
    customer: SAM,
    steps: [
      ['get me the mesh wifi thing', 'Add Mesh Wi-Fi Extender to your internet'],
      ['Yes', 'ORD-200002 (Mesh Wi-Fi Extender)'],
    ],
    does: [['placeProductOrder', { customerId: SAM, offeringCode: 'ADDON-MESH-WIFI' }]],
  },
  {
    name: '"never mind" at the confirmation places nothing',
    steps: [
      ['sign me up for static ip', 'Add Static IP to your internet: $15.00 a month'],
      ['never mind', "OK, I've dropped that."],
    ],
  },
  {
    name: 'a bill question at the confirmation leaves the order unplaced',
    steps: [
      ['i want the 2 gig plan', 'Shall I place the order?'],
      ["what's my bill?", 'INV-10003 (Sun, Nov 1): $224.95'],
    ],
    reason: 'bill.inquiry.charges',
  },
  {
    name: 'offers for a customer are tailored, and one can be ordered by name',
    steps: [
      ['what deals do you have', ['Offers for you:', 'Fiber 2 Gig, $95.00/mo (up from your Fiber 1 Gig)', 'Would you like to order one?']],
      ['Mesh Wi-Fi Extender', 'Add Mesh Wi-Fi Extender to your internet'],
      ['yes', 'ORD-200002 (Mesh Wi-Fi Extender)'],
    ],
    does: [['placeProductOrder', { offeringCode: 'ADDON-MESH-WIFI' }]],
  },
  {
    name: 'an unknown number asking about plans gets the catalog and how to order',
    customer: null,
    steps: [['what plans do you have', ['Our plans: Internet from $50.00/mo', 'To order, text us from the phone number on your account']]],
    reason: 'product.info',
  },
  {
    name: 'an unknown number asking about internet plans gets those plans only',
    customer: null,
    steps: [['what internet plans do you have', ['Our internet plans:', 'Fiber 300, $50.00/mo', 'Fiber 2 Gig, $95.00/mo']]],
  },
  {
    name: '"actually no, the other one" with nothing else in question offers the rest of that service, and takes yes for the one shown',
    steps: [
      ["I'd like to order the movies package", 'Add Movies Package to your TV'],
      ['actually no, the other one', 'Which TV option would you like?'],
      ['yes', 'Switch your TV Basic to TV Max'],
    ],
  },
];

describeTranscripts('order and offers transcripts', cases);
