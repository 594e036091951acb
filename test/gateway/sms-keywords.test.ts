import { describe, expect, it } from 'vitest';
import { classifySmsKeyword, optOutAfterthought } from '../../src/gateway/sms-keywords.ts';

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

describe('revocation in plain words (FCC 2024: any reasonable means)', () => {
  it.each(['Stop texting me pls', 'please stop messaging me', 'stop sending me texts', "don't text me anymore", 'do not contact me again', 'unsubscribe me', 'remove me from your list', 'take me off your texts please', 'no more texts at all please', 'STOP TEXTING ME!!'])(
    '"%s" is an opt-out',
    (text) => {
      expect(classifySmsKeyword(text, false)).toBe('optout');
    },
  );

  it.each(['no more promos', 'stop sending me offers', 'stop texting me about deals and offers every week, just account stuff', 'why do you keep texting me', 'stop the noise on my line', 'texting is fine'])(
    '"%s" is left to the bot (it may mean only promotions, or is no revocation)',
    (text) => {
      expect(classifySmsKeyword(text, false)).toBeUndefined();
    },
  );
});

describe('optOutAfterthought', () => {
  const midOrder = { DialogState: { dialogStack: [{ id: 'mainDialog', state: { dialogs: { dialogStack: [{ id: 'orderDialog', state: {} }] } } }] } };
  it('a lone CANCEL in the middle of an order says how to get back to it', () => {
    expect(optOutAfterthought('cancel', midOrder)).toBe('If you meant to cancel your order, reply START and then say never mind.');
  });

  it('a lone CANCEL mid-conversation about something else says the same in general words', () => {
    expect(optOutAfterthought('CANCEL', { DialogState: { dialogStack: [{ id: 'mainDialog', state: {} }] } })).toBe('If you meant to cancel what we were doing, reply START and then say never mind.');
  });

  it('STOP, or CANCEL with nothing in progress, adds nothing', () => {
    expect(optOutAfterthought('STOP', midOrder)).toBeUndefined();
    expect(optOutAfterthought('cancel', { DialogState: { dialogStack: [] } })).toBeUndefined();
    expect(optOutAfterthought('cancel', null)).toBeUndefined();
  });
});
