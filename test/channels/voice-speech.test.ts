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

  it('does not end a sentence at the dots of a web address or a decimal', () => {
    // "support.example.com" was streamed as "support." "example." "com." and read as three sentences.
    const spoken = renderForEar({ text: "We couldn't match this number to an account. Please call +1 555 010 0100 or visit https://support.example.com." });
    expect(spoken).toBe("We couldn't match this number to an account. Please call +1 555 010 0100 or visit support.example.com.");
    expect(sentences(spoken)).toEqual(["We couldn't match this number to an account. ", 'Please call +1 555 010 0100 or visit support.example.com.']);
    expect(sentences('Your plan has 4.5 GB left. Anything else?')).toEqual(['Your plan has 4.5 GB left. ', 'Anything else?']);
    expect(toSpeech('See https://example.com/help/billing for more.')).toBe('See example.com/help/billing for more.');
  });

  it('says a monthly price as "a month"', () => {
    expect(toSpeech('Internet from $50.00/mo (Fiber 300)')).toBe('Internet from fifty dollars a month (Fiber 300)');
  });

  it('reads the last digits of a number one by one', () => {
    expect(toSpeech("I've texted a 6-digit code to your number ending 0001.")).toBe("I've texted a 6-digit code to your number ending zero zero zero one.");
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
    // Speech-to-text writes a code either way; callers group it, say "oh" for zero, or "double".
    expect(codeInSpeech('one two three four five six')).toBe('123456');
    expect(codeInSpeech('123 456')).toBe('123456');
    expect(codeInSpeech('my code is 1 2 3, four five six')).toBe('123456');
    expect(codeInSpeech('oh four double seven one nine')).toBe('047719');
    expect(codeInSpeech('I want to pay for it')).toBeUndefined();
    expect(codeInSpeech('call me at two')).toBeUndefined();
    expect(maskedDigits('123456')).toBe('[6 digits withheld]');
  });
});
