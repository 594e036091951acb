import { describe, expect, it } from 'vitest';
import { DialogHarness } from '../support/dialog-harness.ts';
import { ALEX, DIALOG_FIXTURE } from './support/fixture.ts';
import { atTranscriptClock } from './support/transcripts.ts';

// What web chat shows differs from SMS by the channel's capabilities, never by its name:
// buttons for every choice (the "1 or 2" question too), no "Text …" (a visitor types), and offer
// lines whole (a chat message is not paid by the SMS segment).

atTranscriptClock();

function chat(channel: 'sms' | 'webchat' = 'webchat') {
  return new DialogHarness(DIALOG_FIXTURE).conversation({ customerId: ALEX, channel });
}

describe('web chat wording and buttons', () => {
  it('asks "which of the two?" with buttons in web chat, and a tap picks it', async () => {
    const conversation = chat();
    const asked = await conversation.say('bill or fault?? idk my internet bill');
    expect(asked.text).toBe('Just to be sure: is this about a fault with a service or your bill?');
    expect(asked.replies[0]?.suggestedActions).toEqual(['A fault with a service', 'Your bill']);
    const tapped = await conversation.say('Your bill');
    expect(tapped.reason).toMatch(/^bill\./);
  });

  it('keeps the numbered question on SMS, where there are no buttons', async () => {
    const asked = await chat('sms').say('bill or fault?? idk my internet bill');
    expect(asked.text).toBe('Just to be sure: is this about a fault with a service (1) or your bill (2)?');
    expect(asked.replies[0]?.suggestedActions).toEqual([]);
  });

  it('never says "Text …" in web chat, and does on SMS', async () => {
    const web = await chat().say('what do I owe');
    expect(web.text).toMatch(/Type "explain my bill" for the charges\.$/);
    expect(web.text).not.toMatch(/\bText\b/);
    const sms = await chat('sms').say('what do I owe');
    expect(sms.text).toMatch(/Text "explain my bill" for the charges\.$/);
  });

  it('shows offer lines whole in web chat, not cut with "…"', async () => {
    const web = await chat().say('what tv add-ons do you have');
    expect(web.text).toContain('Movies Package, $12.00/mo: premium movie channels and a rotating library of new releases on demand.');
    expect(web.text).not.toContain('…');
    // SMS keeps its short lines.
    expect((await chat('sms').say('what tv add-ons do you have')).text).toContain('a rotating library of new…');
    expect(web.text).not.toMatch(/\bText\b/);
  });
});
