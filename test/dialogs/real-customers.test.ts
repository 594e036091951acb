import { expect } from 'vitest';
import { FAKE_CODE } from '../support/fake-bot-services.ts';
import { ALEX, CASEY, JORDAN, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// How customers really text (issue 16), dialog by dialog: typos, SMS spelling, two facts in one
// message, answering a question with a question, changing their mind, off-topic mid-flow, anger.
// Each case is judged by its outcome: the record written (or not), and what must not be said.

const HELP = 'I can help with faults ("my internet is down") and tickets';
const CODE_SENT = "To keep your account safe, I've texted a 6-digit code to your number ending";

const routing: TranscriptCase[] = [
  {
    name: 'the angry customer of the issue gets a person, one sentence of sympathy, and the wrong bill noted — no quiz',
    steps: [
      [
        "I've been trying to sort this for a WEEK. your app is useless, the bill is wrong AGAIN and nobody answers the phone. I want a human now.",
        [/^I'm sorry this has been so frustrating\. I'm passing you to our [a-z ]+ team\. I've noted that your bill is wrong for them/, /^(?!.*Just to be sure)/],
      ],
    ],
    does: [['requestHandoff', { customerId: ALEX, reason: 'customer_asked', collected: { note: expectNote('Customer is upset.', 'bill.dispute', 'the bill is wrong AGAIN') } }]],
    reason: 'agent.request',
  },
  {
    name: 'a calm request for a person is not told it is frustrating',
    steps: [['can i speak to someone please', /^I'm passing you to our [a-z ]+ team\. You're number 1 in line/]],
    does: [['requestHandoff', { customerId: ALEX }]],
  },
  {
    name: '"get me a real person, this is ridiculous" in the middle of a fault report hands over',
    steps: [
      ['my tv is broken', 'Restarting the TV box often helps'],
      ['get me a real person, this is ridiculous', /^I'm sorry this has been so frustrating\. I'm passing you to our technical support team\./],
    ],
    does: [['requestHandoff', { customerId: ALEX }]],
    reason: 'agent.request',
  },
  {
    name: '"i need someone to fix my wifi" is a fault, not a request for a person',
    steps: [['i need someone to fix my wifi', 'Restarting the router fixes many problems']],
    reason: 'ticket.create',
  },
  {
    name: '"start over" with nothing open starts fresh and says what the bot can do',
    steps: [['start over', ["Sure, let's start fresh.", HELP]]],
    reason: 'conversation.startOver',
  },
  {
    name: '"actually nvm" during an order drops it and orders nothing',
    steps: [
      ["I'd like to order the movies package", 'Shall I place the order?'],
      ['actually nvm', "OK, I've dropped that. What can I help you with?"],
    ],
    reason: 'conversation.startOver',
  },
  {
    name: '"oh forget it" while asked which service drops the report',
    steps: [
      ['something is wrong with my service', 'Which service is affected?'],
      ['oh forget it', "OK, I've dropped that."],
    ],
  },
  {
    name: '"thx!!" is thanks, not a yes to anything',
    steps: [['thx!!', "You're welcome!"]],
    reason: 'thanks',
  },
  {
    name: 'a question answered with a question: asked which service, the customer asks what the bot can do',
    steps: [
      ['something is wrong with my service', 'Which service is affected?'],
      ['what can u do?', [HELP, 'Which service is affected?']],
      ['the mobile one', 'Restarting your phone often helps'],
    ],
  },
  {
    name: 'an unknown number asking for help is told what the bot does',
    customer: null,
    steps: [['help', HELP]],
  },
  {
    name: 'two messages of gibberish offer a person; "nah" says what the bot can do instead',
    steps: [
      ['asdf jkl', "Sorry, I didn't understand."],
      ['qwerty zzz', 'Shall I ask a person from our team to text you?'],
      ['nah', `OK. ${HELP}`],
    ],
  },
];

const signIn: TranscriptCase[] = [
  {
    name: 'a web chat visitor types the number in words and the code with a space, and gets the answer',
    customer: null,
    channel: 'webchat',
    steps: [
      ['hi whats my balance', "What's the mobile number on your account?"],
      ['my number is 555 123 0002', "If that number is on an account, I've texted it a 6-digit code."],
      ['123 456', ["Thanks, Sam, you're signed in.", 'You owe nothing right now.']],
    ],
    does: [['sendVerificationCode', { target: { phone: '+15551230002' }, purpose: 'signIn' }], ['checkVerificationCode'], ['signInConversation', { customerId: SAM }]],
    reason: 'bill.inquiry.balance',
  },
  {
    name: 'asked for the code, a question back ("wait what code") is answered and the sign-in goes on',
    customer: null,
    channel: 'webchat',
    steps: [
      ['wheres my order??', "What's the mobile number on your account?"],
      ['(555) 123-0001', "I've texted it a 6-digit code."],
      ['wait what code', 'Please reply with the 6-digit code we texted you, or "resend" for a new one.'],
      [FAKE_CODE, ["Thanks, Alex, you're signed in.", 'ORD-100001 (Sports Package']],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode', { answer: FAKE_CODE }], ['signInConversation', { customerId: ALEX }]],
  },
  {
    name: '"i didnt get a code" during a dispute sends a new one, and the credit request goes on',
    steps: [
      ['the tech visit charge is wrong, nobody came', `I'll ask for a $49.00 credit on INV-10003 for Technician visit, because: "the tech visit charge is wrong, nobody came". Go ahead?`],
      ['yes', CODE_SENT],
      ['i didnt get a code', "I've texted you a new code."],
      [FAKE_CODE, "I've passed your $49.00 credit request (ADJ-200002) to our billing team"],
    ],
    does: [['sendVerificationCode'], ['sendVerificationCode'], ['checkVerificationCode'], ['requestBillAdjustment', { chargeId: 'chg-10003-visit', reason: 'the tech visit charge is wrong, nobody came' }]],
    reason: 'bill.dispute.pending',
  },
];

const tickets: TranscriptCase[] = [
  {
    name: '"hey whats the status of my repair" gives the open ticket',
    steps: [['hey whats the status of my repair', 'TT-100001 (internet, opened Wed, Nov 25): being worked on by a technician.']],
    reason: 'ticket.status',
  },
  {
    name: '"any news on TT-100001??" gives the latest progress text too',
    steps: [['any news on TT-100001??', 'Latest (Thu, Nov 26): A technician is booked for Saturday morning.']],
  },
  {
    name: '"do i have any open tickets?" is the ticket status, not the profile',
    steps: [['do i have any open tickets?', /^TT-100001 \(internet/]],
    reason: 'ticket.status',
  },
  {
    name: '"do i have any open tickets?" with none says so',
    customer: SAM,
    steps: [['do i have any open tickets?', 'If something is not working, tell me what and I will open one.']],
    reason: 'ticket.status',
  },
  {
    name: '"is the tech still coming saturday" is a ticket status question',
    steps: [['is the tech still coming saturday', 'Expected fix by Sat, Nov 28']],
  },
  {
    name: 'a fault in SMS spelling with the date in words: "phone ded since 2day"',
    steps: [
      ['my phone ded since 2day', 'Restarting your phone often helps'],
      ['nope', /"my phone ded since 2day" since Fri, Nov 27\. Shall I go ahead\?/],
      ['ok', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { serviceType: 'mobile', description: 'my phone ded since 2day' }]],
  },
  {
    name: 'an off-topic question mid-report is answered by what the bot does, and the report carries on',
    steps: [
      ['internet slow af', 'Restarting the router fixes many problems'],
      ['help', [HELP, 'Did that fix it?']],
      ['no', 'Since when has your internet had the problem?'],
      ['2 days ago', /"internet slow af" since Wed, Nov 25\./],
    ],
  },
  {
    name: 'the customer changes their mind at the read-back: no ticket',
    steps: [
      ['tv keeps freezing since monday', 'Restarting the TV box often helps'],
      ['skip', /"tv keeps freezing since monday" since Mon, Nov 23\. Shall I go ahead\?/],
      ['nah its fine now actually', "OK, I haven't opened a ticket."],
    ],
    reason: 'ticket.create.declined',
  },
  {
    name: 'a home phone fault with two facts in one message',
    customer: JORDAN,
    steps: [
      ['home phone no dial tone since yesterday morning', 'Please check the cable from the phone to the wall socket'],
      ['did that, still nothing', /"home phone no dial tone since yesterday morning" since Thu, Nov 26\./],
      ['yes', 'Done. Your ticket is TT-200002.'],
    ],
    does: [['openTroubleTicket', { customerId: JORDAN, serviceType: 'landline', productId: 'prod-jordan-phone' }]],
  },
  {
    name: 'Casey names the home phone by "landline" and is not asked which service',
    customer: CASEY,
    steps: [['landline crackling on every call', 'Please check the cable from the phone to the wall socket']],
  },
];

const orders: TranscriptCase[] = [
  {
    name: '"wheres my order" gives the order in progress',
    steps: [['wheres my order', 'ORD-100001 (Sports Package, placed Tue, Nov 24): being set up. Expected by Tue, Dec 1.']],
    reason: 'order.status',
  },
  {
    name: '"when is the sports package gonna be on" is the order status',
    steps: [['when is the sports package gonna be on', 'ORD-100001 (Sports Package']],
  },
  {
    name: '"did my order go thru" with no orders says so',
    customer: SAM,
    steps: [['did my order go thru', 'You have no orders with us.']],
  },
  {
    name: '"tell me about tv max" then one yes: confirmed once, by the read-back',
    steps: [
      ['tell me about tv max', ['TV Max, $80.00/mo', 'Switch your TV Basic to TV Max: $80.00 a month (now $35.00), $25.00 one-time fee, no commitment. Shall I place the order?', /^(?![\s\S]*Would you like to order)/]],
      ['yes', 'Done. Your order is ORD-200002 (TV Max).'],
    ],
    does: [['placeProductOrder', { customerId: ALEX, offeringCode: 'TV-MAX' }]],
    reason: 'order.create.placed',
  },
  {
    name: '"show me offers" lists offers (it is not an opt-out)',
    steps: [['show me offers', ['Offers for you:', 'Would you like to order one?']]],
    reason: 'product.info',
  },
  {
    name: '"any deals?" then "no thanks" orders nothing',
    steps: [
      ['any deals?', 'Offers for you:'],
      ['no thanks', 'OK. Text me anytime if you change your mind.'],
    ],
  },
  {
    name: 'an order with the plan misspelt, confirmed with extra words',
    steps: [
      ['i want the movie pakage', 'Add Movies Package to your TV'],
      ['yes pls go ahead', 'Done. Your order is ORD-200002 (Movies Package).'],
    ],
    does: [['placeProductOrder', { offeringCode: 'ADDON-MOVIES' }]],
  },
  {
    name: 'an order declined with extra words places nothing',
    steps: [
      ['i want the movies package', 'Shall I place the order?'],
      ['no thats too much', "OK, I haven't placed an order."],
    ],
    reason: 'order.create.declined',
  },
];

const cancellations: TranscriptCase[] = [
  {
    name: '"no i still want to cancel" turns the offer down and goes on to the cancellation',
    steps: [
      ['i want to cancel my tv', 'May I ask why?'],
      ['too expensive', 'Would you like that instead?'],
      ['no i still want to cancel', 'Shall I ask our team to cancel your TV (TV Basic)?'],
      ['yes', 'Done: your cancellation request is ORD-200003.'],
    ],
    does: [['recordChurnSignal', { productId: 'prod-alex-tv', reason: 'Too expensive' }], ['declineRetentionOffer'], ['requestServiceCancellation', { productId: 'prod-alex-tv' }]],
    reason: 'service.cancel.requested',
  },
  {
    name: '"ok sure ill take the discount" accepts the offer',
    steps: [
      ['cancel my mobile plan', 'May I ask why?'],
      ['im moving abroad', 'Would you like that instead?'],
      ['ok sure ill take the discount', "Great, I've ordered the switch of your mobile to Mobile Essentials"],
    ],
    does: [['recordChurnSignal', { productId: 'prod-alex-mobile', reason: 'im moving abroad' }], ['acceptRetentionOffer']],
    reason: 'service.cancel.retained',
  },
  {
    name: 'a customer who changes their mind at the end keeps the service',
    steps: [
      ['i wanna get rid of my tv', 'May I ask why?'],
      ['idk', 'Would you like that instead?'],
      ['no thanks', 'Shall I ask our team to cancel your TV'],
      ['no', 'OK, I haven\'t asked for a cancellation: your TV stays as it is.'],
    ],
    does: [['recordChurnSignal'], ['declineRetentionOffer']],
    reason: 'service.cancel.declined',
  },
  {
    name: 'one service, no offer: a one-word reason and "sure" asks for the cancellation',
    customer: SAM,
    steps: [
      ['i want to cancel', 'May I ask why?'],
      ['money', 'Shall I ask our team to cancel your internet (Fiber 300)?'],
      ['sure', 'Done: your cancellation request is ORD-200003.'],
    ],
    does: [['recordChurnSignal', { reason: 'money', offer: null }], ['requestServiceCancellation', { productId: 'prod-sam-internet', reason: 'money' }]],
  },
];

const profile: TranscriptCase[] = [
  {
    name: '"what address do u have for me" shows the details on file',
    steps: [['what address do u have for me', 'Address: 12 Main Street, Oakland 94612.']],
    reason: 'profile.view',
  },
  {
    name: '"pls turn off paperless billing i want paper bills" turns paperless off',
    steps: [
      ['pls turn off paperless billing i want paper bills', 'Turn paperless billing off (bills by post)?'],
      ['yes', CODE_SENT],
      [FAKE_CODE, 'Done'],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode', { answer: FAKE_CODE }], ['updateProfile', { customerId: ALEX, change: { field: 'paperlessBill', value: false } }]],
  },
  {
    name: '"can u text me ur promos and deals" turns marketing texts on (an opt-in)',
    steps: [
      ['can u text me ur promos and deals', 'Turn marketing texts on?'],
      ['yes', CODE_SENT],
      [FAKE_CODE, 'Done'],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode'], ['updateProfile', { change: { field: 'marketingTexts', value: true } }]],
  },
  {
    name: '"no more promo texts pls" turns marketing texts off',
    customer: SAM,
    steps: [['no more promo texts pls', 'Turn marketing texts off?']],
  },
  {
    name: '"i want paper statements again" from a paperless customer turns paperless off',
    steps: [['i want paper statements again', 'Turn paperless billing off (bills by post)?']],
  },
  {
    name: '"go paperless pls" from a customer with paper bills turns it on',
    customer: SAM,
    steps: [['go paperless pls', 'Turn paperless billing on']],
  },
  {
    name: '"i moved" leads into the address change',
    steps: [['i moved', 'What is the new postal address?']],
    reason: 'profile.update',
  },
  {
    name: '"i got a new email" asks for it, reads it back, and needs the code',
    steps: [
      ['i got a new email', 'What is the new email address?'],
      ['its alex.new@example.net', 'Change your email to alex.new@example.net?'],
      ['yep', CODE_SENT],
    ],
    does: [['sendVerificationCode', { purpose: 'profile.update' }]],
  },
];

const consent: TranscriptCase[] = [
  {
    name: 'ambiguous wording ("pls stop all these messages") asks what to stop; "all" records the opt-out with one confirmation',
    steps: [
      ['pls stop all these messages', 'Do you want to stop all texts from us, including about your account and orders, or only offers and promotions?'],
      ['all of them', "You're unsubscribed from Northwind Telecom messages and will get no more. Reply START to resubscribe."],
    ],
    does: [['revokeTextConsent', { customerId: ALEX, channel: 'sms', words: 'all of them' }]],
    reason: 'consent.optout',
  },
  {
    name: 'asked what to stop, "just the promos" turns marketing texts off and keeps account texts',
    customer: SAM,
    steps: [
      ['pls stop all these messages', 'or only offers and promotions?'],
      ['just the promos', 'Turn marketing texts off?'],
    ],
  },
  {
    name: 'web chat has no STOP keyword: the bot says how to stop texts instead of asking',
    channel: 'webchat',
    steps: [['stop sending me messages', 'To stop all texts from us, reply STOP.']],
  },
];

const bills: TranscriptCase[] = [
  {
    name: '"can u lower my bill its too much" gives cheaper plans that fit and the dispute route, not a comparison',
    steps: [
      [
        'can u lower my bill its too much',
        [
          "Here's how you could pay less: Fiber 300 instead of your Fiber 1 Gig: $50.00/mo, saving $15.00/mo; Mobile Essentials instead of your Mobile Unlimited: $30.00/mo, saving $25.00/mo.",
          'If a charge on your bill looks wrong, say "dispute"',
          /^(?![\s\S]*more than INV-10002)/,
        ],
      ],
    ],
    reason: 'bill.inquiry.lower',
  },
  {
    name: 'a customer already on the cheapest plans is told so, and how to dispute',
    customer: JORDAN,
    steps: [['how can i pay less, i cant afford this', "You're already on our lowest-priced plans for what you have."]],
  },
  {
    name: '"u overcharged me" with no charge named asks which charge',
    steps: [['u overcharged me', [/^Which charge on INV-10003 do you want to dispute\?/, /^(?![\s\S]*can't find a charge)/]]],
    reason: 'bill.dispute',
  },
  {
    name: 'a charge named by a short name ("the intl calls one") stays a dispute',
    steps: [
      ['u overcharged me', 'Which charge on INV-10003'],
      ['the intl calls one', "What's wrong with the International calls charge ($7.50)?"],
      ['never made any intl calls', "I'll ask for a $7.50 credit on INV-10003 for International calls"],
      ['yes', 'Done: ADJ-200002 credits $7.50 for International calls on INV-10003.'],
    ],
    does: [['requestBillAdjustment', { chargeId: 'chg-10003-intl', reason: 'never made any intl calls' }]],
    reason: 'bill.dispute.approved',
  },
  {
    name: 'a reason given up front is used when the charge is picked later',
    steps: [
      ['i want to dispute a charge, i was charged twice', 'Which charge on INV-10003'],
      ['the intl calls', `I'll ask for a $7.50 credit on INV-10003 for International calls, because: "i want to dispute a charge, i was charged twice". Go ahead?`],
    ],
  },
  {
    name: 'a reason and a charge in one message, then a smaller amount: nothing asked twice',
    steps: [
      ['dispute the tv charge, the tv was out for 3 days', `I'll ask for a $35.00 credit on INV-10003 for TV Basic, because: "dispute the tv charge, the tv was out for 3 days". Go ahead?`],
      ['just 5', "I'll ask for a $5.00 credit on INV-10003 for TV Basic"],
      ['yes', 'Done: ADJ-200002 credits $5.00'],
    ],
    does: [['requestBillAdjustment', { chargeId: 'chg-10003-tv', amount: '5.00' }]],
  },
  {
    name: '"the tech visit" at the charge question is the charge, not a ticket',
    steps: [
      ['I want to dispute a charge', 'Which charge'],
      ['the tech visit', "What's wrong with the Technician visit charge ($49.00)?"],
      ['the tech never showed up', "I'll ask for a $49.00 credit"],
      ['no', "OK, I haven't asked for a credit."],
    ],
    reason: 'bill.dispute.declined',
  },
  {
    name: '"my bill went up why" compares with the previous bill',
    steps: [['my bill went up why', 'INV-10003 is $57.16 more than INV-10002']],
    reason: 'bill.inquiry.compare',
  },
  {
    name: '"how much is my bill" gives the balance',
    steps: [['how much is my bill', 'You owe $224.95: INV-10003, due Tue, Dec 1.']],
  },
];

describeTranscripts('real customers: routing, people and starting over', routing);
describeTranscripts('real customers: sign-in and one-time codes', signIn);
describeTranscripts('real customers: faults and tickets', tickets);
describeTranscripts('real customers: orders and offers', orders);
describeTranscripts('real customers: cancellations', cancellations);
describeTranscripts('real customers: details and settings', profile);
describeTranscripts('real customers: texts and consent', consent);
describeTranscripts('real customers: bills and disputes', bills);

/** A note for the person that says the customer is upset, names the topic, and quotes them. */
function expectNote(...parts: string[]): unknown {
  return expect.stringMatching(new RegExp(parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')));
}
