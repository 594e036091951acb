import { charge, type Fixture } from '../../support/fake-bot-services.ts';

// The customers every transcript talks as. Dates are fixed: transcripts run with the clock at NOW.

/** Friday 27 November 2026, 7 am in the operator's time zone (Los Angeles). */
export const NOW = new Date('2026-11-27T15:00:00Z');

/** Internet, mobile and TV; a bill due, a fault ticket being worked on, an add-on on order. */
export const ALEX = 'cust-alex';
/** One internet plan and nothing else; a resolved ticket waiting for "does it work again?". */
export const SAM = 'cust-sam';
/** Internet (in an area with an outage) and a home phone; a bill past its due date. */
export const JORDAN = 'cust-jordan';

/** TV and a home phone, nothing else (a fault report corrected from one to the other). */
export const CASEY = 'cust-casey';

const ALEX_INTERNET = { productId: 'prod-alex-internet', offeringCode: 'FIBER-1G' };
const ALEX_MOBILE = { productId: 'prod-alex-mobile', offeringCode: 'MOBILE-UNLIMITED' };
const ALEX_TV = { productId: 'prod-alex-tv', offeringCode: 'TV-BASIC' };

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

export const DIALOG_FIXTURE: Fixture = {
  customers: [
    {
      id: ALEX,
      givenName: 'Alex',
      familyName: 'Morgan',
      phone: '+15551230001',
      accountNumber: 'ACC-10001',
      email: 'alex@example.com',
      postalAddress: { street: '12 Main Street', city: 'Oakland', postCode: '94612' },
      preferredChannel: 'sms',
      paperlessBill: true,
      marketingTexts: false,
      serviceArea: '94612',
      products: [ALEX_INTERNET, { ...ALEX_MOBILE, serviceIdentifier: '+15551230001' }, ALEX_TV],
      bills: [
        {
          id: 'bill-10003',
          number: 10003,
          reference: 'INV-10003',
          accountId: 'acct-alex',
          billDate: day('2026-11-01'),
          periodStart: day('2026-10-01'),
          periodEnd: day('2026-10-31'),
          dueDate: day('2026-12-01'),
          amountDue: '224.95',
          currency: 'USD',
          state: 'sent',
          charges: [
            charge('chg-10003-internet', 'recurring', 'Fiber 1 Gig monthly charge', '65.00', ALEX_INTERNET),
            charge('chg-10003-mobile', 'recurring', 'Mobile Unlimited monthly charge', '55.00', ALEX_MOBILE),
            charge('chg-10003-tv', 'recurring', 'TV Basic monthly charge', '35.00', ALEX_TV),
            charge('chg-10003-visit', 'oneTime', 'Technician visit', '49.00'),
            charge('chg-10003-intl', 'usage', 'International calls', '7.50', ALEX_MOBILE),
            charge('chg-10003-tax', 'tax', 'Taxes and fees', '13.45'),
          ],
        },
        {
          id: 'bill-10002',
          number: 10002,
          reference: 'INV-10002',
          accountId: 'acct-alex',
          billDate: day('2026-10-01'),
          periodStart: day('2026-09-01'),
          periodEnd: day('2026-09-30'),
          dueDate: day('2026-10-22'),
          amountDue: '167.79',
          currency: 'USD',
          state: 'settled',
          charges: [
            charge('chg-10002-internet', 'recurring', 'Fiber 1 Gig monthly charge', '65.00', ALEX_INTERNET),
            charge('chg-10002-mobile', 'recurring', 'Mobile Unlimited monthly charge', '55.00', ALEX_MOBILE),
            charge('chg-10002-tv', 'recurring', 'TV Basic monthly charge', '35.00', ALEX_TV),
            charge('chg-10002-tax', 'tax', 'Taxes and fees', '12.79'),
          ],
        },
      ],
      adjustments: [
        {
          id: 'adj-5001',
          number: 5001,
          reference: 'ADJ-5001',
          billId: 'bill-10002',
          billReference: 'INV-10002',
          chargeId: 'chg-10002-tv',
          chargeDescription: 'TV Basic monthly charge',
          amount: '10.00',
          currency: 'USD',
          reason: 'TV was out for a week',
          status: 'applied',
          decisionReason: null,
          decidedBy: 'staff',
          createdAt: day('2026-10-05'),
          expectedOnBillDate: null,
        },
      ],
      tickets: [
        {
          id: 'ticket-100001',
          reference: 'TT-100001',
          serviceType: 'internet',
          ticketType: 'fault',
          status: 'inProgress',
          severity: 'major',
          description: 'Internet keeps dropping',
          createdAt: new Date('2026-11-25T17:00:00Z'),
          expectedResolutionDate: new Date('2026-11-28T20:00:00Z'),
          statusChangeDate: new Date('2026-11-26T18:00:00Z'),
        },
      ],
      orders: [
        {
          id: 'order-100001',
          reference: 'ORD-100001',
          state: 'inProgress',
          category: 'new',
          description: null,
          channel: 'sms',
          createdAt: new Date('2026-11-24T19:00:00Z'),
          expectedCompletionDate: day('2026-12-02'),
          completionDate: null,
          currency: 'USD',
          items: [
            { action: 'add', offeringCode: 'ADDON-SPORTS', offeringName: 'Sports Package', serviceType: 'tv', state: 'inProgress', recurringPrice: '15.00', oneTimePrice: '0.00', productId: null },
          ],
        },
      ],
      retentionOffers: {
        [ALEX_TV.productId]: { kind: 'loyaltyDiscount', code: 'LOYALTY-20', percent: 20, months: 6, monthlyPrice: '28.00', currentMonthlyPrice: '35.00', currency: 'USD', tenureYears: 3 },
        [ALEX_MOBILE.productId]: {
          kind: 'planChange',
          code: 'CHEAPER-PLAN',
          offeringId: 'off-MOBILE-ESSENTIALS',
          offeringCode: 'MOBILE-ESSENTIALS',
          offeringName: 'Mobile Essentials',
          monthlyPrice: '30.00',
          currentMonthlyPrice: '55.00',
          oneTimePrice: '0.00',
          currency: 'USD',
        },
      },
    },
    {
      id: SAM,
      // At high risk of leaving: a complaint from Sam goes straight to the retention team.
      churnRisk: { score: 81, band: 'high', reasons: ['3 faults in 90 days', 'latest bill 40% above the usual'] },
      givenName: 'Sam',
      familyName: 'Lee',
      phone: '+15551230002',
      email: null,
      postalAddress: { street: '400 Irving Street', city: 'San Francisco', postCode: '94122' },
      preferredChannel: 'webchat',
      paperlessBill: false,
      marketingTexts: true,
      serviceArea: '94122',
      products: [{ productId: 'prod-sam-internet', offeringCode: 'FIBER-300' }],
      resolutionReply: {
        affirm: "Great, thanks for confirming. I've closed TT-100009.",
        deny: "Sorry it's still not right. I've reopened TT-100009 and a technician will look again.",
      },
    },
    {
      id: JORDAN,
      givenName: 'Jordan',
      familyName: 'Reyes',
      phone: '+15551230003',
      email: 'jordan@example.com',
      postalAddress: { street: '900 Valencia Street', city: 'San Francisco', postCode: '94110' },
      preferredChannel: 'sms',
      paperlessBill: true,
      marketingTexts: false,
      serviceArea: '94110',
      products: [
        { productId: 'prod-jordan-internet', offeringCode: 'FIBER-1G' },
        { productId: 'prod-jordan-phone', offeringCode: 'HOME-PHONE' },
      ],
      bills: [
        {
          id: 'bill-10010',
          number: 10010,
          reference: 'INV-10010',
          accountId: 'acct-jordan',
          billDate: day('2026-10-20'),
          periodStart: day('2026-09-20'),
          periodEnd: day('2026-10-19'),
          dueDate: day('2026-11-10'),
          amountDue: '91.19',
          currency: 'USD',
          state: 'sent',
          charges: [
            charge('chg-10010-internet', 'recurring', 'Fiber 1 Gig monthly charge', '65.00', { productId: 'prod-jordan-internet', offeringCode: 'FIBER-1G' }),
            charge('chg-10010-phone', 'recurring', 'Home Phone monthly charge', '20.00', { productId: 'prod-jordan-phone', offeringCode: 'HOME-PHONE' }),
            charge('chg-10010-tax', 'tax', 'Taxes and fees', '6.19'),
          ],
        },
      ],
    },
    {
      id: CASEY,
      givenName: 'Casey',
      familyName: 'Nguyen',
      phone: '+15551230004',
      email: 'casey@example.com',
      postalAddress: { street: '77 Elm Street', city: 'Berkeley', postCode: '94704' },
      preferredChannel: 'sms',
      paperlessBill: true,
      marketingTexts: false,
      serviceArea: '94704',
      // Texted a campaign offer of the Sports Package yesterday.
      campaignOffer: { campaignId: 'campaign-sports', variant: 'B', offerCode: 'ADDON-SPORTS' },
      products: [
        { productId: 'prod-casey-tv', offeringCode: 'TV-BASIC' },
        { productId: 'prod-casey-phone', offeringCode: 'HOME-PHONE' },
      ],
    },
  ],
  outages: [
    {
      id: 'outage-1',
      serviceType: 'internet',
      area: '94110',
      description: 'a fiber cable was cut near Valencia Street.',
      startedAt: new Date('2026-11-27T11:00:00Z'),
      expectedRestoreAt: new Date('2026-11-28T02:00:00Z'),
    },
  ],
  updates: {
    'ticket-100001': { at: new Date('2026-11-26T18:00:00Z'), text: 'A technician is booked for Saturday morning.' },
  },
};
