import { FAKE_CODE } from '../support/fake-bot-services.ts';
import { ALEX, JORDAN, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Bill questions and disputes (dialogs/bill-inquiry.dialog.ts, dialogs/bill-dispute.dialog.ts):
// balance, charges, a named bill, why it changed; which charge, why, how much, a one-time code
// above the threshold, then an adjustment the policy approves or leaves for a person.

const CODE_SENT = "To keep your account safe, I've texted a 6-digit code to your number ending 0001.";

const cases: TranscriptCase[] = [
  {
    name: '"how much do i owe" gives the balance and due date',
    steps: [['how much do i owe', 'You owe $224.95: INV-10003, due Tue, Dec 1.']],
    reason: 'bill.inquiry.balance',
  },
  {
    name: '"why is my bill so high" compares with the previous bill, line by line',
    steps: [['why is my bill so high this month??', 'INV-10003 is $57.16 more than INV-10002 ($224.95 vs $167.79): one-time Technician visit +$49.00, usage +$7.50 (International calls), taxes +$0.66.']],
    reason: 'bill.inquiry.compare',
  },
  {
    name: 'a bill by reference is explained in groups of charges',
    steps: [['explain INV-10002', 'INV-10002 (Thu, Oct 1): $167.79, paid. Internet $65.00 (Fiber 1 Gig), mobile $55.00 (Mobile Unlimited), TV $35.00 (TV Basic), taxes $12.79.']],
    reason: 'bill.inquiry.charges',
  },
  {
    name: 'a bill by month ("my bill for september") finds the bill for that period',
    steps: [['show me my bill for september', 'INV-10002 (Thu, Oct 1): $167.79, paid.']],
  },
  {
    name: "someone else's (or no) bill number lists the customer's own bills",
    steps: [['INV-99999', "I can't find INV-99999 on your account. Your recent bills: INV-10003 (Sun, Nov 1), INV-10002 (Thu, Oct 1)."]],
    reason: 'bill.inquiry.notFound',
  },
  {
    name: 'a customer with no bills owes nothing',
    customer: SAM,
    steps: [["what's my balance", 'You owe nothing right now.']],
  },
  {
    name: 'an overdue bill says since when',
    customer: JORDAN,
    steps: [['when is my bill due', 'You owe $91.19: INV-10010, overdue since Tue, Nov 10.']],
  },
  {
    name: 'a small charge disputed in steps is approved at once, without a code',
    steps: [
      ['I want to dispute a charge', 'Which charge on INV-10003 do you want to dispute?'],
      ['the international calls', "What's wrong with the International calls charge ($7.50)?"],
      ['i never made those calls', `I'll ask for a $7.50 credit on INV-10003 for International calls, because: "i never made those calls". Go ahead?`],
      ['yes', 'Done: ADJ-200002 credits $7.50 for International calls on INV-10003.'],
    ],
    does: [['requestBillAdjustment', { customerId: ALEX, billId: 'bill-10003', chargeId: 'chg-10003-intl', amount: '7.50', reason: 'i never made those calls', idempotencyKey: 'adjustment-conversation-1-in-4' }]],
    reason: 'bill.dispute.approved',
  },
  {
    name: 'the customer asks for less than the charge by replying with an amount',
    steps: [
      ['dispute the tv charge', "What's wrong with the TV Basic charge ($35.00)?"],
      ['the tv was out all week', "I'll ask for a $35.00 credit on INV-10003 for TV Basic"],
      ['10', "I'll ask for a $10.00 credit on INV-10003 for TV Basic"],
      ['yes', 'Done: ADJ-200002 credits $10.00 for TV Basic on INV-10003.'],
    ],
    does: [['requestBillAdjustment', { chargeId: 'chg-10003-tv', amount: '10.00', reason: 'the tv was out all week' }]],
  },
  {
    name: 'one message names the charge and the reason; a large credit needs the code and goes to a person',
    steps: [
      ['i was charged for a technician visit that never happened', `I'll ask for a $49.00 credit on INV-10003 for Technician visit, because: "i was charged for a technician visit that never happened". Go ahead?`],
      ['yes', CODE_SENT],
      [FAKE_CODE, "Thanks. I've passed your $49.00 credit request (ADJ-200002) to our billing team, as credits over $25.00 need a person to approve."],
    ],
    does: [
      ['sendVerificationCode', { target: { customerId: ALEX }, purpose: 'bill.adjustment' }],
      ['checkVerificationCode', { answer: FAKE_CODE }],
      ['requestBillAdjustment', { chargeId: 'chg-10003-visit', amount: '49.00' }],
    ],
    reason: 'bill.dispute.pending',
  },
  {
    name: 'wrong codes count down and ask no credit',
    steps: [
      ['i was charged for a technician visit that never happened', 'Go ahead?'],
      ['yes', CODE_SENT],
      ['111111', "That code isn't right. 2 tries left."],
      ['654321', "That code isn't right. 1 try left."],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode', { answer: '111111' }], ['checkVerificationCode', { answer: '654321' }]],
  },
  {
    name: 'a vague complaint lists the charges to pick from',
    steps: [
      ["there's a wrong charge on my bill", "I can't find a charge like that on INV-10003. Which charge do you want to dispute?"],
      ['technician visit', "What's wrong with the Technician visit charge ($49.00)?"],
      ['they never came', "I'll ask for a $49.00 credit"],
    ],
  },
  {
    name: 'a charge disputed before is refused with the earlier adjustment',
    steps: [['dispute the tv charge on INV-10002', "You've already disputed that charge: ADJ-5001 for $10.00, credited to your account."]],
    reason: 'bill.dispute.duplicate',
  },
  {
    name: 'an adjustment reference gives its status',
    steps: [["what's happening with ADJ-5001", 'ADJ-5001, $10.00 on INV-10002 for TV Basic monthly charge: credited to your account.']],
    reason: 'bill.dispute.status',
  },
  {
    name: '"never mind" while asked why drops the dispute',
    steps: [
      ['I want to dispute a charge', 'Which charge'],
      ['the international calls', "What's wrong with the International calls charge"],
      ['never mind', "OK, I've dropped that."],
    ],
  },
  {
    name: '"agent" mid-dispute hands over',
    steps: [
      ['I want to dispute a charge', 'Which charge'],
      ['agent', "I'm passing you to our billing team. You're number 1 in line; the wait is about 2 minutes."],
    ],
    does: [['requestHandoff', { customerId: ALEX, reason: 'customer_asked', intent: 'bill.dispute' }]],
  },
  {
    name: 'a dispute worded around a "technician visit" is a dispute, not a ticket status question',
    bug: 'the recogniser reads "dispute the technician visit, it never happened" as ticket.status',
    steps: [['dispute the technician visit, it never happened', "I'll ask for a $49.00 credit on INV-10003 for Technician visit"]],
  },
];

describeTranscripts('bill inquiry and dispute transcripts', cases);
