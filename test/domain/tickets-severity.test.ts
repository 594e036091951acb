import { describe, expect, it } from 'vitest';
import { deriveSeverity } from '../../src/domain/tickets/severity.ts';

describe('deriveSeverity', () => {
  it.each([
    // A home phone that cannot call out: emergency calls are at stake.
    ['landline', 'no dial tone on my home phone', 'critical'],
    ['landline', 'the line is dead', 'critical'],
    ['landline', "can't make calls at all", 'critical'],
    // Total loss.
    ['landline', 'my home phone is down', 'major'],
    ['internet', 'my internet has been down since yesterday', 'major'],
    ['internet', 'no internet at all', 'major'],
    ['internet', "wifi isn't working", 'major'],
    ['mobile', 'no signal on my phone', 'major'],
    ['tv', 'no picture on the TV', 'major'],
    // Degraded: works, but badly. A degraded word wins over "down" ("goes down now and then").
    ['internet', 'internet is really slow', 'minor'],
    ['internet', 'connection keeps dropping', 'minor'],
    ['internet', 'internet goes down now and then', 'minor'],
    ['tv', 'picture is pixelated', 'minor'],
    ['tv', 'the channels keep freezing', 'minor'],
    ['mobile', 'calls keep cutting out', 'minor'],
    ['landline', 'crackling noise on the line', 'minor'],
    // "No dial tone" only makes a home phone critical.
    ['internet', 'no dial tone', 'major'],
    // Nothing recognisable: the default.
    ['internet', 'something is off with my router lights', 'minor'],
  ] as const)('%s: "%s" is %s', (serviceType, description, severity) => {
    expect(deriveSeverity(serviceType, description)).toBe(severity);
  });
});
