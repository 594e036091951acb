import { it } from 'vitest';
import { DialogHarness } from '../support/dialog-harness.ts';
import { ALEX, CASEY, JORDAN, DIALOG_FIXTURE } from './support/fixture.ts';
import { atTranscriptClock } from './support/transcripts.ts';
import { readFileSync } from 'node:fs';

atTranscriptClock();
it('scratch', async () => {
  const convs = JSON.parse(readFileSync('/tmp/convs.json', 'utf8')) as Array<{ customer: string; steps: string[] }>;
  const ids: Record<string, string | null> = { ALEX, CASEY, JORDAN, SAM: 'cust-sam', NONE: null };
  for (const c of convs) {
    const h = new DialogHarness(DIALOG_FIXTURE);
    const conv = h.conversation({ customerId: ids[c.customer] ?? null, channel: 'sms' });
    console.log('=== ' + c.customer);
    for (const s of c.steps) {
      const t = await conv.say(s);
      console.log('> ' + s + '\n  ' + t.text.replace(/\n/g, '\n  ') + '   [' + t.reason + ']');
    }
    console.log('  writes: ' + JSON.stringify(h.services.writes().map((w) => [w.name, w.args[0]])));
  }
});
