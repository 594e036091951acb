import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DialogHarness, dialogRecognizer } from '../../support/dialog-harness.ts';
import type { ServiceName } from '../../support/fake-bot-services.ts';
import { ALEX, DIALOG_FIXTURE, NOW } from './fixture.ts';

// Dialog behaviour as tables of conversations (the model: BotBuilder-Samples core-bot's
// tests/dialogs/bookingDialog.test.ts with its testData/): what the customer says, what the bot
// must answer, and what it must have done (the writes it asked of the domain, in order).

/** A reply must contain the text, or match the pattern. */
export type Expectation = string | RegExp;

/** One message and what the bot's replies to it (every one, one per line) must show. */
export type Step = [says: string, replies: Expectation | Expectation[]];

/** A write the bot made: its name, and what its first argument (an object) or its arguments (an array) must contain. */
export type ExpectedWrite = [ServiceName] | [ServiceName, Record<string, unknown> | unknown[]];

export interface TranscriptCase {
  name: string;
  /** The sender: a fixture customer's id, or null for a number or visitor the channel could not identify. Default ALEX. */
  customer?: string | null;
  /** Default sms. */
  channel?: 'sms' | 'webchat' | 'voice';
  steps: Step[];
  /** Exactly the writes the conversation made, in order (see WRITES). Default none. */
  does?: ExpectedWrite[];
  /** What the last turn was about (its outcome's reason). */
  reason?: string;
}

/** In the enclosing describe: the clock stands at NOW and the recogniser is trained before the first test. */
export function atTranscriptClock(): void {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    dialogRecognizer();
  });
  afterAll(() => {
    vi.useRealTimers();
  });
}

/** One `it` per case, each on a fresh fake; the clock stands at NOW. */
export function describeTranscripts(title: string, cases: readonly TranscriptCase[]): void {
  describe(title, () => {
    atTranscriptClock();
    for (const testCase of cases) it(testCase.name, () => runTranscript(testCase));
  });
}

export async function runTranscript(testCase: TranscriptCase): Promise<void> {
  const harness = new DialogHarness(DIALOG_FIXTURE);
  const conversation = harness.conversation({ customerId: testCase.customer === undefined ? ALEX : testCase.customer, channel: testCase.channel ?? 'sms' });
  let reason = '';
  for (const [index, [says, expected]] of testCase.steps.entries()) {
    const turn = await conversation.say(says);
    reason = turn.reason;
    for (const expectation of Array.isArray(expected) ? expected : [expected]) {
      const where = `step ${index + 1}, customer says ${JSON.stringify(says)}; the bot said:\n${turn.text}\n`;
      if (typeof expectation === 'string') expect(turn.text, where).toContain(expectation);
      else expect(turn.text, where).toMatch(expectation);
    }
  }
  const writes = harness.services.writes();
  const expected = testCase.does ?? [];
  expect(
    writes.map((write) => write.name),
    'the writes the bot made',
  ).toEqual(expected.map(([name]) => name));
  for (const [index, [name, shape]] of expected.entries()) {
    const args = writes[index]?.args ?? [];
    if (Array.isArray(shape)) expect(args, `${name}'s arguments`).toMatchObject(shape);
    else if (shape) expect(args[0], `${name}'s request`).toMatchObject(shape);
  }
  if (testCase.reason !== undefined) expect(reason, 'the last turn was about').toBe(testCase.reason);
}
