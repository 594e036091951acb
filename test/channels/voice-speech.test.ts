import { describe, expect, it } from 'vitest';
import { asksForCode, choiceForKey, codeInSpeech, maskedDigits, numberToWords, ordinalWords, renderForEar, sentences, speechHints, toSpeech } from '../../src/channels/voice/speech.ts';

// Replies for the ear, and keys and speech mapped back: pure functions, no service.

describe('speaking a reply', () => {
  it.each([
    ['Your ticket is TT-100001.', 'Your ticket is T T, one zero zero, zero zero one.'],
    ['Order ORD-100023 is on its way.', 'Order O R D, one zero zero, zero two three is on its way.'],
    ['You owe $1,234.50, due Tue, Dec 1.', 'You owe one thousand two hundred thirty-four dollars and fifty cents, due Tuesday, December first.'],
    ['A credit of -$10.00 and $0.99.', 'A credit of minus ten dollars and ninety-nine cents.'],
    ['Expected by 2026-12-22.', 'Expected by December twenty-second, 2026.'],
    ['Reply with the code, or "resend".', 'say the code, or "resend".'],
    ['Shall I ask a person? (yes/no)', 'Shall I ask a person? Press 1 or say yes. Press 2 or say no.'],
    ['Your charges:\n- TV $20.00\n- Internet $50.00', 'Your charges: TV twenty dollars. Internet fifty dollars'],
  ])('%j → %j', (text, spoken) => {
    expect(toSpeech(text)).toBe(spoken);
  });

  it('offers choices by voice and keypad, confirmations as "press 1 or say yes"', () => {
    expect(renderForEar({ text: 'Change your email?', suggestedActions: ['Yes', 'No'] })).toBe('Change your email? Press 1 or say yes. Press 2 or say no.');
    expect(renderForEar({ text: 'Which one?', suggestedActions: ['Billing', 'Technical support'] })).toBe('Which one? Say Billing or press 1, say Technical support or press 2.');
  });

  it('says numbers and ordinals in words', () => {
    expect([0, 13, 40, 99, 100, 1001, 2_000_000].map(numberToWords)).toEqual(['zero', 'thirteen', 'forty', 'ninety-nine', 'one hundred', 'one thousand one', 'two million']);
    expect([1, 2, 3, 12, 20, 21, 31].map(ordinalWords)).toEqual(['first', 'second', 'third', 'twelfth', 'twentieth', 'twenty-first', 'thirty-first']);
  });

  it('streams sentence by sentence', () => {
    expect(sentences('One. Two? Three')).toEqual(['One. ', 'Two? ', 'Three']);
  });

  it('hints the catalog names, eSIM and the prompt’s choices, once each, without commas inside', () => {
    expect(speechHints(['Fiber 2 Gig', 'Unlimited, Plus'], ['Yes', 'eSIM']).split(',')).toEqual(['Yes', 'eSIM', 'Fiber 2 Gig', 'Unlimited  Plus', 'agent', 'billing', 'T T', 'O R D', 'A D J', 'resend']);
  });
});

describe('what the caller keyed or said', () => {
  it('maps a key to the choice it names, and nothing else', () => {
    expect(choiceForKey('1', ['Yes', 'No'])).toBe('Yes');
    expect(choiceForKey('2', ['Yes', 'No'])).toBe('No');
    expect(choiceForKey('3', ['Yes', 'No'])).toBeUndefined();
    expect(choiceForKey('12', ['Yes', 'No'])).toBeUndefined();
  });

  it('finds a code read out after a code prompt, and masks it', () => {
    expect(asksForCode("I've texted a 6-digit code to your number ending 0001. Please say the code.")).toBe(true);
    expect(asksForCode('What is your ZIP?')).toBe(false);
    expect(codeInSpeech('1 2 3 4 5 6')).toBe('123456');
    expect(codeInSpeech('it is 654321 I think')).toBe('654321');
    expect(codeInSpeech('no idea')).toBeUndefined();
    expect(maskedDigits('123456')).toBe('[6 digits withheld]');
  });
});
