import { describe, expect, it } from 'vitest';
import { classifySmsKeyword } from '../../src/gateway/sms-keywords.ts';

describe('classifySmsKeyword', () => {
  it.each(['STOP', 'stopall', 'Unsubscribe', 'cancel', 'END', 'quit', 'REVOKE', 'optout', '  stop  ', 'Stop!', 'STOP.'])('"%s" is an opt-out', (text) => {
    expect(classifySmsKeyword(text, false)).toBe('optout');
  });

  it.each(['START', 'unstop', 'Start'])('"%s" is an opt-in', (text) => {
    expect(classifySmsKeyword(text, false)).toBe('optin');
  });

  it.each(['HELP', 'info', 'Help.'])('"%s" asks for help', (text) => {
    expect(classifySmsKeyword(text, false)).toBe('help');
  });

  it('takes YES as an opt-in only from an opted-out number', () => {
    expect(classifySmsKeyword('yes', true)).toBe('optin');
    expect(classifySmsKeyword('YES', false)).toBeUndefined();
  });

  it.each(['stop the noise on my line', 'please cancel my order', 'help me with my bill', 'start over', 'no', ''])('"%s" is not a keyword', (text) => {
    expect(classifySmsKeyword(text, false)).toBeUndefined();
  });
});
