import { describe, expect, it } from 'vitest';
import { ALL_US_ZONES, checkWindow, locateRecipient, stateOfPhoneNumber, stateOfPostcode, windowFor } from '../../src/domain/contact-policy/local-window.ts';
import { decideMarketingSend, type GateFacts, type GatePolicy } from '../../src/domain/contact-policy/marketing-gate.ts';
import { assignGroup, renderMessage } from '../../src/domain/campaigns/messages.ts';

// The compliance gate's rules, one case per kind: consent, suppression, caps, the local window
// across zones and the stricter state rules, and deferral rather than a late-night text.

const policy: GatePolicy = { frequencyCap: { messages: 2, days: 7 }, minWindowMinutes: 15 };
// 2026-07-15 18:00 UTC = 14:00 New York (EDT), 11:00 Los Angeles (PDT), 08:00 Honolulu.
const afternoon = new Date('2026-07-15T18:00:00Z');

function facts(overrides: Partial<GateFacts> = {}): GateFacts {
  return {
    now: afternoon,
    program: 'offers',
    marketingConsent: 'granted',
    optedOut: false,
    customerActive: true,
    location: locateRecipient(['94110'], '+15551230001'),
    sentInCapWindow: 0,
    subjectSendTimes: [],
    openFaults: 0,
    recentSlaBreaches: 0,
    openDisputes: 0,
    ...overrides,
  };
}

describe('recipient location', () => {
  it('places a postcode, then an area code, else every zone', () => {
    expect(stateOfPostcode('94110')).toBe('CA');
    expect(stateOfPostcode('33101')).toBe('FL');
    expect(stateOfPostcode('73301')).toBe('TX');
    expect(stateOfPostcode('not a zip')).toBeNull();
    expect(stateOfPhoneNumber('+13055550100')).toBe('FL');
    expect(stateOfPhoneNumber('+15551230001')).toBeNull();
    expect(locateRecipient([null, '21201'], '+13055550100')).toMatchObject({ state: 'MD', source: 'postcode' });
    expect(locateRecipient([null], '+14055550100')).toMatchObject({ state: 'OK', source: 'areaCode' });
    expect(locateRecipient([], '+15551230001')).toEqual({ state: null, timeZones: ALL_US_ZONES, source: 'unknown' });
    // Florida spans two zones: both count.
    expect(locateRecipient(['32501'], null).timeZones).toEqual(['America/New_York', 'America/Chicago']);
  });

  it('uses the federal 8am-9pm window, 8pm in FL, OK and MD, and the strictest for an unknown state', () => {
    expect(windowFor(locateRecipient(['94110'], null))).toEqual({ startMinute: 480, endMinute: 1260, dailyPerSubject: null });
    for (const zip of ['33101', '73101', '21201']) expect(windowFor(locateRecipient([zip], null))).toEqual({ startMinute: 480, endMinute: 1200, dailyPerSubject: 3 });
    expect(windowFor(locateRecipient([], null)).endMinute).toBe(1200);
  });

  it('an unknown place is open only when it is inside the window in every US zone', () => {
    const unknown = locateRecipient([], null);
    // 14:00 New York but 08:00 Honolulu: inside everywhere.
    expect(checkWindow(afternoon, unknown, windowFor(unknown)).open).toBe(true);
    // 15:00 UTC: 11:00 New York, but 05:00 Honolulu.
    const morning = checkWindow(new Date('2026-07-15T15:00:00Z'), unknown, windowFor(unknown));
    expect(morning.open).toBe(false);
    expect(morning.opensAt?.toISOString()).toBe('2026-07-15T18:00:00.000Z');
  });
});

describe('the marketing gate', () => {
  it('sends with consent, no suppression, under the caps, inside the window; every check recorded', () => {
    const decision = decideMarketingSend(facts(), policy);
    expect(decision.outcome).toBe('sent');
    expect(decision.checks.map((check) => [check.check, check.passed])).toEqual([
      ['consent', true],
      ['customer', true],
      ['suppression', true],
      ['frequency-cap', true],
      ['local-window', true],
    ]);
    expect(decision.timeZones).toEqual(['America/Los_Angeles']);
  });

  const holds: Array<{ name: string; overrides: Partial<GateFacts>; reason: string }> = [
    { name: 'no marketing consent on record', overrides: { marketingConsent: null }, reason: 'consent' },
    { name: 'marketing consent revoked (e.g. "stop texting me")', overrides: { marketingConsent: 'revoked' }, reason: 'consent' },
    { name: 'opted out by STOP though marketing was granted', overrides: { optedOut: true }, reason: 'consent' },
    { name: 'an open fault', overrides: { openFaults: 1 }, reason: 'suppression' },
    { name: 'a recent SLA breach', overrides: { recentSlaBreaches: 1 }, reason: 'suppression' },
    { name: 'an open bill dispute', overrides: { openDisputes: 1 }, reason: 'suppression' },
    { name: 'the global frequency cap reached', overrides: { sentInCapWindow: 2 }, reason: 'frequency-cap' },
    { name: 'a suspended customer', overrides: { customerActive: false }, reason: 'customer' },
  ];
  it.each(holds)('holds on $name', ({ overrides, reason }) => {
    const decision = decideMarketingSend(facts(overrides), policy);
    expect(decision).toMatchObject({ outcome: 'held', reason });
    expect(decision.checks.at(-1)?.passed).toBe(false);
  });

  it('defers a late-evening text to 8am local, across zones', () => {
    // 04:30 UTC = 21:30 Los Angeles: past 9pm.
    const decision = decideMarketingSend(facts({ now: new Date('2026-07-16T04:30:00Z') }), policy);
    expect(decision.outcome).toBe('deferred');
    if (decision.outcome !== 'deferred') return;
    expect(decision.until.toISOString()).toBe('2026-07-16T15:00:00.000Z');
  });

  it('applies Florida\'s 8pm: 20:30 in Miami is deferred where 20:30 in California is not', () => {
    const miamiEvening = new Date('2026-07-16T00:30:00Z');
    expect(decideMarketingSend(facts({ now: miamiEvening, location: locateRecipient(['33101'], null) }), policy).outcome).toBe('deferred');
    const californiaEvening = new Date('2026-07-16T03:30:00Z');
    expect(decideMarketingSend(facts({ now: californiaEvening }), policy).outcome).toBe('sent');
  });

  it('defers when less of the window is left than a message may take', () => {
    // 20:50 Los Angeles: 10 minutes left, under the 15 required.
    const decision = decideMarketingSend(facts({ now: new Date('2026-07-16T03:50:00Z') }), policy);
    expect(decision.outcome).toBe('deferred');
  });

  it('holds the 4th message on one subject in 24 h in Oklahoma until the first is a day old', () => {
    const sent = [new Date('2026-07-15T15:00:00Z'), new Date('2026-07-15T16:00:00Z'), new Date('2026-07-15T17:00:00Z')];
    const decision = decideMarketingSend(facts({ location: locateRecipient(['73101'], null), subjectSendTimes: sent }), policy);
    expect(decision.outcome).toBe('deferred');
    if (decision.outcome !== 'deferred') return;
    expect(decision.until.toISOString()).toBe('2026-07-16T15:01:00.000Z');
    expect(decideMarketingSend(facts({ subjectSendTimes: sent }), policy).outcome).toBe('sent');
  });
});

describe('campaign messages', () => {
  it('fills the placeholders and always ends with how to opt out', () => {
    expect(renderMessage('Hi {firstName}, {offerName} is {offerPrice}. Reply YES.', { firstName: 'Sam', offerName: 'Extra Data 10 GB', offerPrice: '$10.00/mo', operatorName: 'Northwind' })).toBe(
      'Hi Sam, Extra Data 10 GB is $10.00/mo. Reply YES. Reply STOP to opt out.',
    );
  });

  it('assigns the holdout and variants by seed: stable per customer, about the asked shares', () => {
    const variants = [
      { key: 'A', template: 'a', weight: 50 },
      { key: 'B', template: 'b', weight: 50 },
    ];
    const groups = Array.from({ length: 4000 }, (_, index) => assignGroup('seed-1', `customer-${index}`, 10, variants));
    expect(assignGroup('seed-1', 'customer-7', 10, variants)).toEqual(groups[7]);
    const holdout = groups.filter((group) => group.holdout).length / groups.length;
    const variantA = groups.filter((group) => group.variant === 'A').length / groups.length;
    expect(holdout).toBeGreaterThan(0.08);
    expect(holdout).toBeLessThan(0.12);
    expect(variantA).toBeGreaterThan(0.46);
    expect(variantA).toBeLessThan(0.54);
  });
});
