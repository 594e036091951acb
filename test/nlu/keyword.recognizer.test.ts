import { describe, expect, it } from 'vitest';
import { KeywordRecognizer } from '../../src/nlu/keyword.recognizer.ts';
import { extractEntities } from '../../src/nlu/entities.ts';

const recognizer = new KeywordRecognizer();
const NOW = new Date('2026-11-27T15:00:00Z');

describe('KeywordRecognizer (the simple offline recogniser)', () => {
  it.each([
    ['my internet has been down since yesterday', 'ticket.create'],
    ['wifi keeps dropping out', 'ticket.create'],
    ["what's the status of my ticket", 'ticket.status'],
    ['tt-100001', 'ticket.status'],
    ['hello', 'greeting'],
    ['yes please', 'affirm'],
    ['nope', 'deny'],
    ['I want to talk to a real person', 'agent.request'],
    ['why is my bill so high', 'bill.inquiry'],
    ['what is the weather in Paris', 'none'],
  ])('"%s" → %s', async (text, intent) => {
    expect((await recognizer.recognize(text, { referenceDate: NOW })).intent).toBe(intent);
  });

  it('gives out-of-scope text a low confidence', async () => {
    expect((await recognizer.recognize('tell me a joke')).confidence).toBeLessThan(0.5);
  });
});

describe('extractEntities', () => {
  it('normalises references in any case and spacing', () => {
    const values = extractEntities('about tt 100001 and ord-2 and Inv-9 and adj7', NOW).map((e) => `${e.type}:${e.value}`);
    expect(values).toEqual(expect.arrayContaining(['ticketRef:TT-100001', 'orderRef:ORD-2', 'billRef:INV-9', 'adjustmentRef:ADJ-7']));
  });

  it('finds the service, the date and money', () => {
    const entities = extractEntities('my tv box has been dead since yesterday, I want $12.50 back', NOW);
    expect(entities.find((e) => e.type === 'serviceType')?.value).toBe('tv');
    expect(entities.find((e) => e.type === 'date')?.value.slice(0, 10)).toBe('2026-11-26');
    expect(entities.find((e) => e.type === 'money')?.value).toBe('12.50');
  });

  it('normalises phone numbers and emails', () => {
    const entities = extractEntities('call me on (555) 123-0001 or mail Alex.M@Example.com', NOW);
    expect(entities.find((e) => e.type === 'phone')?.value).toBe('+15551230001');
    expect(entities.find((e) => e.type === 'email')?.value).toBe('alex.m@example.com');
  });
});
