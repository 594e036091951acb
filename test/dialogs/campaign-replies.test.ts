import { ALEX, CASEY } from './support/fixture.ts';
import { describeTranscripts, type ExpectedWrite, type TranscriptCase } from './support/transcripts.ts';

// Replies to a campaign text (Casey was texted the Sports Package): "yes", and the price
// questions people send instead ("how much?", "what does it cost", "price?"), which answer with
// the price in the order's summary and ask again; a question about the bill is not a price question.

const SPORTS_SUMMARY = /^Add Sports Package to your (?:TV|tv)[^:]*: \$15\.00 a month.*Shall I place the order\?/;
const SPORTS_ORDER: ExpectedWrite[] = [['placeProductOrder', { customerId: CASEY, offeringCode: 'ADDON-SPORTS' }]];

const cases: TranscriptCase[] = [
  {
    name: '"how much?" to the offer gives its price and asks again; "yes" orders it',
    customer: CASEY,
    steps: [
      ['how much?', SPORTS_SUMMARY],
      ['yes', /^Done\. Your order is ORD-\d+ \(Sports Package\)/],
    ],
    does: [...SPORTS_ORDER],
  },
  {
    name: '"what does it cost" gives the price; "no thanks" orders nothing',
    customer: CASEY,
    steps: [
      ['what does it cost', SPORTS_SUMMARY],
      ['no thanks', /OK/],
    ],
  },
  {
    name: '"price?" gives the price',
    customer: CASEY,
    steps: [['price?', SPORTS_SUMMARY]],
  },
  {
    name: '"hmm how much is that a month" gives the price',
    customer: CASEY,
    steps: [['hmm how much is that a month', SPORTS_SUMMARY]],
  },
  {
    name: '"yes please" orders the offer after its summary',
    customer: CASEY,
    steps: [
      ['yes please', SPORTS_SUMMARY],
      ['yep', /^Done\. Your order is ORD-\d+/],
    ],
    // A bare "yes" may first answer "is it working again?" about a resolved ticket (Casey has none).
    does: [['answerResolutionQuestion'], ...SPORTS_ORDER],
  },
  {
    name: '"how much do i owe" after an offer is about the bill, not the offer',
    customer: CASEY,
    steps: [['how much do i owe', /^(?![\s\S]*Sports Package)/]],
  },
  {
    name: '"how much is the 2 gig plan" names its own offer: not the campaign\'s',
    customer: CASEY,
    steps: [['how much is the 2 gig plan', /^(?![\s\S]*Sports Package)/]],
  },
  {
    name: 'with no campaign text, "how much?" does not start an order',
    customer: ALEX,
    steps: [['how much?', /^(?![\s\S]*Shall I place the order)/]],
  },
];

describeTranscripts('replies to a campaign text', cases);
