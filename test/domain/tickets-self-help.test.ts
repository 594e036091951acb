import { describe, expect, it } from 'vitest';
import { readSelfHelpAnswer, selfHelpStepFor } from '../../src/domain/tickets/self-help.ts';

describe('selfHelpStepFor', () => {
  it.each([
    ['internet', 'restart-router'],
    ['tv', 'restart-set-top-box'],
    ['mobile', 'restart-phone'],
    ['landline', 'check-handset-cable'],
  ] as const)('offers one step for %s', (serviceType, code) => {
    expect(selfHelpStepFor(serviceType, undefined)?.code).toBe(code);
    expect(selfHelpStepFor(serviceType, 'it is not working')?.code).toBe(code);
  });

  it.each([
    'I already restarted the router',
    'rebooted it twice, still down',
    'unplugged everything and plugged it back',
    'tried everything',
    'the cable is cut outside my house',
    'storm damaged the line',
  ])('is not offered for "%s"', (description) => {
    expect(selfHelpStepFor('internet', description)).toBeUndefined();
  });
});

describe('readSelfHelpAnswer', () => {
  it.each([
    ['yes', 'fixed'],
    ['yes it works now', 'fixed'],
    ['its working again thanks', 'fixed'],
    ['fixed', 'fixed'],
    ['no', 'notFixed'],
    ['nope still broken', 'notFixed'],
    ['no, it works now', 'notFixed'],
    ['still down', 'notFixed'],
    ['skip', 'skipped'],
    ['already did', 'skipped'],
    ['I already tried that', 'skipped'],
    ['not now', 'skipped'],
    ['hmm', undefined],
    ['', undefined],
  ] as const)('"%s" → %s', (answer, expected) => {
    expect(readSelfHelpAnswer(answer)).toBe(expected);
  });
});
