import * as chrono from 'chrono-node';
import { toE164 } from '../lib/phone.ts';
import type { Entity } from './recognizer.ts';

const REFERENCES: Array<{ type: Entity['type']; prefix: string }> = [
  { type: 'ticketRef', prefix: 'TT' },
  { type: 'orderRef', prefix: 'ORD' },
  { type: 'billRef', prefix: 'INV' },
  { type: 'adjustmentRef', prefix: 'ADJ' },
];

// Words customers use for each service type.
const SERVICE_WORDS: Array<{ value: string; pattern: RegExp }> = [
  { value: 'internet', pattern: /\b(internet|broadband|wi-?fi|wifi|fib(er|re)|router|modem|online|connection|web)\b/i },
  { value: 'mobile', pattern: /\b(mobile|cell(phone)?|cell phone|phone signal|signal|data|texts?|sim|4g|5g|lte|smartphone)\b/i },
  { value: 'tv', pattern: /\b(tv|television|channels?|set-?top|cable box|box|picture|streaming)\b/i },
  { value: 'landline', pattern: /\b(landline|land line|home phone|house phone|dial ?tone)\b/i },
];

/** Entities found in an utterance, normalised. */
export function extractEntities(text: string, referenceDate: Date = new Date()): Entity[] {
  const entities: Entity[] = [];
  for (const { type, prefix } of REFERENCES) {
    for (const match of text.matchAll(new RegExp(`\\b${prefix}[-\\s]?(\\d{1,9})\\b`, 'gi'))) {
      entities.push({ type, value: `${prefix}-${match[1]}`, text: match[0] });
    }
  }
  for (const { value, pattern } of SERVICE_WORDS) {
    const match = pattern.exec(text);
    if (match) entities.push({ type: 'serviceType', value, text: match[0] });
  }
  for (const match of text.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g)) {
    entities.push({ type: 'email', value: match[0].toLowerCase(), text: match[0] });
  }
  for (const match of text.matchAll(/(?<![\w-])\+?\d[\d\s().-]{8,16}\d/g)) {
    const phone = toE164(match[0]);
    if (phone) entities.push({ type: 'phone', value: phone, text: match[0] });
  }
  for (const match of text.matchAll(/\$\s?(\d{1,6}(?:\.\d{1,2})?)|\b(\d{1,6}(?:\.\d{1,2})?)\s?(?:dollars|usd|bucks)\b/gi)) {
    const amount = match[1] ?? match[2];
    if (amount) entities.push({ type: 'money', value: Number(amount).toFixed(2), text: match[0] });
  }
  const dated = chrono.parse(text, referenceDate, { forwardDate: false });
  for (const result of dated) {
    entities.push({ type: 'date', value: result.start.date().toISOString(), text: result.text });
  }
  return entities;
}
