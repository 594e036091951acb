import { checkWindow, windowFor, type RecipientLocation } from './local-window.ts';

// The one compliance gate every marketing message passes, decided from facts read in the same
// transaction that stores the message. Pure: each check is recorded with its result, so the
// evidence says exactly why a message was sent, deferred or held.
//
// Order: consent, suppression, frequency caps (each a hold: sending later would not make it
// right), then the local window and the state's per-subject limit (a deferral: it may go later).

export interface GateFacts {
  now: Date;
  /** The campaign's marketing program. */
  program: string;
  /** Consent on record for the address and that program (revoked when general marketing consent is): granted, revoked, or none. */
  marketingConsent: 'granted' | 'revoked' | null;
  /** STOP (or any revocation) of every purpose on the address. */
  optedOut: boolean;
  customerActive: boolean;
  location: RecipientLocation;
  /** Marketing messages sent to the customer within the global cap's days. */
  sentInCapWindow: number;
  /** When the messages on this campaign's subject in the last 24 h were sent. */
  subjectSendTimes: readonly Date[];
  openFaults: number;
  recentSlaBreaches: number;
  openDisputes: number;
}

export interface GatePolicy {
  frequencyCap: { messages: number; days: number };
  /** A message needs at least this much of the window left (its validity must end inside the window). */
  minWindowMinutes: number;
}

export interface GateCheck {
  check: string;
  passed: boolean;
  detail: string;
}

export type GateDecision =
  | { outcome: 'sent'; checks: GateCheck[]; timeZones: string[]; validityMinutes: number }
  | { outcome: 'deferred'; checks: GateCheck[]; timeZones: string[]; until: Date }
  | { outcome: 'held'; checks: GateCheck[]; timeZones: string[]; reason: string };

export function decideMarketingSend(facts: GateFacts, policy: GatePolicy): GateDecision {
  const checks: GateCheck[] = [];
  const timeZones = facts.location.timeZones;
  const hold = (reason: string): GateDecision => ({ outcome: 'held', checks, timeZones, reason });

  const consented = facts.marketingConsent === 'granted' && !facts.optedOut;
  checks.push({
    check: 'consent',
    passed: consented,
    detail: facts.optedOut ? 'opted out (STOP or revocation)' : facts.marketingConsent === 'revoked'
        ? `marketing consent for ${facts.program} revoked`
        : facts.marketingConsent === 'granted'
          ? `consent to ${facts.program} on record`
          : `no consent to ${facts.program} on record`,
  });
  if (!consented) return hold('consent');
  checks.push({ check: 'customer', passed: facts.customerActive, detail: facts.customerActive ? 'active customer' : 'customer not active' });
  if (!facts.customerActive) return hold('customer');

  const suppressed = facts.openFaults > 0 || facts.recentSlaBreaches > 0 || facts.openDisputes > 0;
  checks.push({
    check: 'suppression',
    passed: !suppressed,
    detail: suppressed ? `open faults ${facts.openFaults}, recent SLA breaches ${facts.recentSlaBreaches}, open disputes ${facts.openDisputes}` : 'no open fault, SLA breach or dispute',
  });
  if (suppressed) return hold('suppression');

  const { messages, days } = policy.frequencyCap;
  const underCap = facts.sentInCapWindow < messages;
  checks.push({ check: 'frequency-cap', passed: underCap, detail: `${facts.sentInCapWindow} of ${messages} marketing messages in ${days} days` });
  if (!underCap) return hold('frequency-cap');

  const window = windowFor(facts.location);
  const where = facts.location.state ? `${facts.location.state} (${facts.location.source})` : 'unknown place: every US zone';
  const hours = `${minutesText(window.startMinute)}-${minutesText(window.endMinute)}`;
  const check = checkWindow(facts.now, facts.location, window);
  const longEnough = check.open && check.minutesLeft >= policy.minWindowMinutes;
  checks.push({
    check: 'local-window',
    passed: longEnough,
    detail: check.open ? `${where}, window ${hours}, ${check.minutesLeft} min left` : `${where}, outside ${hours} local`,
  });
  if (!longEnough) {
    const until = check.open ? checkWindow(new Date(facts.now.getTime() + (check.minutesLeft + 1) * 60_000), facts.location, window).opensAt : check.opensAt;
    if (!until) return hold('local-window');
    return { outcome: 'deferred', checks, timeZones, until };
  }

  if (window.dailyPerSubject !== null) {
    const dayAgo = facts.now.getTime() - 86_400_000;
    const recent = facts.subjectSendTimes.filter((time) => time.getTime() > dayAgo).toSorted((a, b) => a.getTime() - b.getTime());
    const allowed = recent.length < window.dailyPerSubject;
    checks.push({ check: 'state-subject-limit', passed: allowed, detail: `${recent.length} of ${window.dailyPerSubject} messages on this subject in 24 h (${facts.location.state ?? 'strictest state rule'})` });
    if (!allowed) {
      const oldest = recent[0];
      return { outcome: 'deferred', checks, timeZones, until: new Date((oldest?.getTime() ?? facts.now.getTime()) + 86_400_000 + 60_000) };
    }
  }
  return { outcome: 'sent', checks, timeZones, validityMinutes: check.minutesLeft };
}

function minutesText(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
