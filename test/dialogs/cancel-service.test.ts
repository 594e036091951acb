import { ALEX, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Cancellation (dialogs/cancel-service.dialog.ts): which service, why, one retention offer, then a
// cancellation request for a person. The bot never ends a service itself.

const ASK_WHY = 'Sorry to hear you want to cancel your TV. May I ask why?';
const TV_DISCOUNT = 'Before you go: as a thank-you for 3 years with us, you can have 20% off TV Basic: $28.00 a month instead of $35.00 for 6 months.';

const cases: TranscriptCase[] = [
  {
    name: 'a reason picked from the list, then the loyalty discount taken: nothing is cancelled',
    steps: [
      ['cancel my tv', ASK_WHY],
      ['too expensive', TV_DISCOUNT],
      ['yes', 'Great, thanks for staying. Our billing team will apply 20% off'],
    ],
    does: [
      ['recordChurnSignal', { customerId: ALEX, productId: 'prod-alex-tv', reason: 'Too expensive', offer: { kind: 'loyaltyDiscount' } }],
      ['acceptRetentionOffer', { productId: 'prod-alex-tv', offer: { code: 'LOYALTY-20' } }],
    ],
    reason: 'service.cancel.retained',
  },
  {
    name: 'the reason skipped, the offer declined, the cancellation confirmed',
    steps: [
      ['i want to cancel my tv service', ASK_WHY],
      ['skip', TV_DISCOUNT],
      ['no', 'OK. Shall I ask our team to cancel your TV (TV Basic)?'],
      ['yes', 'Done: your cancellation request is ORD-200003. Our team will contact you by Tue, Dec 1'],
    ],
    does: [
      ['recordChurnSignal', { reason: null }],
      ['declineRetentionOffer', ['churn-200002']],
      ['requestServiceCancellation', { customerId: ALEX, productId: 'prod-alex-tv', signalId: 'churn-200002', reason: null }],
    ],
    reason: 'service.cancel.requested',
  },
  {
    name: 'the reason in the first message ("its too expensive") is not asked; a cheaper plan is offered and taken',
    steps: [
      ['i want to cancel my mobile, its too expensive', 'Before you go: I can switch your mobile to Mobile Essentials for $30.00 a month instead of $55.00'],
      ['yes', "Great, I've ordered the switch of your mobile to Mobile Essentials at $30.00 a month: ORD-200003."],
    ],
    does: [
      ['recordChurnSignal', { productId: 'prod-alex-mobile', reason: 'i want to cancel my mobile, its too expensive' }],
      ['acceptRetentionOffer', { offer: { kind: 'planChange', offeringCode: 'MOBILE-ESSENTIALS' } }],
    ],
  },
  {
    name: 'a reason that sounds like a bill question is taken as the reason; two noes keep the service',
    steps: [
      ['I want to cancel my service', 'Which service would you like to cancel?'],
      ['the tv', ASK_WHY],
      ['my bill is way too high', TV_DISCOUNT],
      ['no', 'Shall I ask our team to cancel your TV'],
      ['no', "OK, I haven't asked for a cancellation: your TV stays as it is."],
    ],
    does: [['recordChurnSignal', { reason: 'my bill is way too high' }], ['declineRetentionOffer']],
    reason: 'service.cancel.declined',
  },
  {
    name: 'no offer fits: straight to the confirmation',
    customer: SAM,
    steps: [
      ['cancel my internet because im moving', 'Shall I ask our team to cancel your internet (Fiber 300)?'],
      ['yes', 'Done: your cancellation request is ORD-200003.'],
    ],
    does: [['recordChurnSignal', { customerId: SAM, offer: null }], ['requestServiceCancellation', { productId: 'prod-sam-internet' }]],
  },
  {
    name: 'a service the customer does not have: says so and lists the ones they have',
    steps: [['i want to cancel my landline', "I can't see home phone service on your account. Which service would you like to cancel?"]],
  },
  {
    name: 'asking again after a request is open points to it',
    steps: [
      ['cancel my tv', ASK_WHY],
      ['too expensive', TV_DISCOUNT],
      ['no', 'Shall I ask our team'],
      ['yes', 'ORD-200003'],
      ['cancel my tv', "You've already asked us to cancel your TV: ORD-200003."],
    ],
    does: [['recordChurnSignal'], ['declineRetentionOffer'], ['requestServiceCancellation']],
    reason: 'service.cancel.alreadyRequested',
  },
  {
    name: 'asking a second time after being pointed to the open request: a person takes it, with the request in hand',
    steps: [
      ['cancel my tv', ASK_WHY],
      ['too expensive', TV_DISCOUNT],
      ['no', 'Shall I ask our team'],
      ['yes', 'ORD-200003'],
      ['cancel my tv', ["You've already asked us to cancel your TV: ORD-200003.", 'If you\'d rather sort it out with a person now, just say so.']],
      ['please cancel my tv', ["You've already asked us to cancel your TV: ORD-200003.", "I'm passing you to our sales team."]],
    ],
    does: [
      ['recordChurnSignal'],
      ['declineRetentionOffer'],
      ['requestServiceCancellation'],
      ['requestHandoff', { reason: 'cancellation_insisted', intent: 'service.cancel', collected: { cancellation: 'ORD-200003', said: 'please cancel my tv' } }],
    ],
    reason: 'agent.request',
  },
  {
    name: 'insisting right after the request is made ("just cancel my tv already!!") goes to a person at once',
    steps: [
      ['cancel my tv', ASK_WHY],
      ['skip', TV_DISCOUNT],
      ['no', 'Shall I ask our team'],
      ['yes', 'ORD-200003'],
      ['just cancel my tv already!!', ["You've already asked us to cancel your TV: ORD-200003.", "I'm passing you to our sales team."]],
    ],
    does: [['recordChurnSignal'], ['declineRetentionOffer'], ['requestServiceCancellation'], ['requestHandoff', { reason: 'cancellation_insisted', collected: { cancellation: 'ORD-200003' } }]],
  },
  {
    name: '"never mind" then a new question: the cancellation is dropped and the question answered',
    steps: [
      ['cancel my tv', ASK_WHY],
      ['never mind', "OK, I've dropped that."],
      ['what do i owe', 'You owe $224.95'],
    ],
  },
  {
    name: 'a lone "cancel" reaching the bot starts a cancellation (on SMS the gateway takes it as an opt-out first)',
    steps: [['cancel', 'Which service would you like to cancel?']],
  },
];

describeTranscripts('cancel service transcripts', cases);
