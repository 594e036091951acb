import type { ChargeType, ServiceType } from '../../generated/prisma/client.ts';
import type { ChargeView } from './bills.service.ts';
import { parseCents, toCents } from './money.ts';

// Which charge on a bill a customer means ("the roaming charge", "the $20 one", "extender fee").
// Pure: words of the charge's description and product, its kind, and its amount.

/** Lines a customer can dispute: money they were charged, not taxes (they follow the charges) or credits. */
export function isDisputable(charge: Pick<ChargeView, 'chargeType' | 'amount'>): boolean {
  return ['recurring', 'oneTime', 'usage'].includes(charge.chargeType) && toCents(charge.amount) > 0n;
}

export interface ChargeMatch {
  /** The one charge meant, when the words or the amount single it out. */
  charge?: ChargeView;
  /** An amount the customer gave that is not the charge's own: the credit they ask for. */
  requestedAmount?: string;
  /** The customer described something (words or an amount) that matches no charge on the bill. */
  unmatched: boolean;
}

// Words that say nothing about which charge: requests, filler, and what every line shares.
const NOISE = new Set(
  (
    'the a an and or of for on in to my me i im i\'m it its it\'s this that these those is are was were be been be ' +
    'charge charges charged charging bill billed billing invoice dispute disputing disputed wrong incorrect refund credit ' +
    'want wanna would like please can could you your there here what why how which one ones thing something amount ' +
    'money dollars dollar bucks usd paid pay never not no didn\'t didnt did don\'t dont use used using have has had ' +
    'with from at by about all whole full last month monthly this latest current same just get got some any ' +
    'inv adj previous recent week year recognise recognize know understand weird strange odd unknown mystery random ' +
    'twice double doubled triple again already happened made mine ago recently ' +
    'u ur you guys overcharged overcharging overcharge overbilled overbilling too much high again hey hi so way ripped rip off scam ' +
    'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'
  ).split(/\s+/),
);

const KIND_WORDS: Record<ChargeType, readonly string[]> = {
  recurring: ['plan', 'subscription', 'package'],
  oneTime: ['setup', 'activation', 'installation', 'install', 'fee', 'one-time', 'once'],
  usage: ['usage', 'extra', 'overage'],
  tax: ['tax', 'taxes'],
  credit: [],
};

const SERVICE_WORDS: Record<ServiceType, readonly string[]> = {
  internet: ['internet', 'broadband', 'wifi', 'wi-fi', 'fiber', 'fibre'],
  mobile: ['mobile', 'cell', 'phone', 'data'],
  tv: ['tv', 'television'],
  landline: ['landline', 'home'],
};

// Customers' short forms of words on bills.
const SYNONYMS: Record<string, string> = { intl: 'international', int: 'international', overseas: 'international', abroad: 'roaming', roam: 'roaming', roamed: 'roaming', ppv: 'pay-per-view', movie: 'pay-per-view', film: 'pay-per-view', call: 'calls', calling: 'calls', extenders: 'extender', mesh: 'mesh' };

/**
 * The charge a customer's words or amount point to. `amount` is a money entity from their
 * message ("20.00"): equal to one charge's amount it names that charge, otherwise it is the
 * credit asked for.
 */
export function matchCharge(text: string, amount: string | undefined, charges: readonly ChargeView[], serviceType?: ServiceType): ChargeMatch {
  const candidates = charges.filter(isDisputable);
  const words = contentWords(text);
  const scored = candidates.map((charge) => ({ charge, score: score(charge, words, serviceType) }));
  const best = Math.max(0, ...scored.map((entry) => entry.score));
  const byWords = best > 0 ? scored.filter((entry) => entry.score === best).map((entry) => entry.charge) : [];
  const cents = amount === undefined ? undefined : parseCents(amount);
  const byAmount = cents === undefined ? [] : candidates.filter((charge) => toCents(charge.amount) === cents);

  const [onlyByAmount] = byAmount;
  if (byAmount.length === 1 && onlyByAmount && (byWords.length === 0 || byWords.includes(onlyByAmount))) {
    return { charge: onlyByAmount, unmatched: false };
  }
  if (byWords.length === 1) {
    return amount !== undefined && cents !== undefined && byAmount.length === 0
      ? { charge: byWords[0], requestedAmount: amount, unmatched: false }
      : { charge: byWords[0], unmatched: false };
  }
  const describedSomething = words.length > 0 || amount !== undefined;
  return { unmatched: describedSomething && byWords.length === 0 && byAmount.length === 0 };
}

function score(charge: ChargeView, words: readonly string[], serviceType: ServiceType | undefined): number {
  const own = new Set(contentWords(`${charge.description} ${charge.productName ?? ''}`));
  let total = 0;
  for (const word of words) {
    if (own.has(word)) total += 2;
    else if (KIND_WORDS[charge.chargeType].includes(word)) total += 1;
    else if (charge.serviceType && SERVICE_WORDS[charge.serviceType].includes(word)) total += 1;
  }
  if (serviceType && charge.serviceType === serviceType) total += total > 0 ? 1 : 0;
  return total;
}

function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\$?\d+(?:[.,]\d+)?/g, ' ')
    .split(/[^a-z'-]+/)
    .map((word) => word.replace(/^['-]+|['-]+$/g, ''))
    .map((word) => SYNONYMS[word] ?? word)
    .filter((word) => word.length >= 2 && !NOISE.has(word));
}
