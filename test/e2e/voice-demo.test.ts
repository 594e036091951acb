import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { startSandboxEnv, type SandboxEnv } from '../support/sandbox.ts';

// The voice try-it page at /try/voice in a real browser, against the service in sandbox mode: it
// opens the ConversationRelay socket (unsigned, which only the sandbox allows), sends a typed
// prompt and a key, and shows the bot's spoken replies in the transcript.

const SCREENSHOT = fileURLToPath(new URL('../../test-results/voice-demo.png', import.meta.url));

let env: SandboxEnv;
let browser: Browser | undefined;
let browserProblem: unknown;

beforeAll(async () => {
  const [launched, started] = await Promise.allSettled([launchChromium(), startSandboxEnv()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  else browserProblem = launched.reason;
  if (started.status === 'fulfilled') env = started.value;
  else throw started.reason;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('/try/voice', () => {
  it('calls as a demo customer: greeted by name, a typed prompt answered in the transcript, a key sent', async () => {
    if (!browser) throw browserProblem;
    const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    const response = await page.goto(`${env.service.url}/try/voice`);
    expect(response?.status()).toBe(200);
    await page.locator('#customer option').first().waitFor({ state: 'attached' });
    await page.selectOption('#customer', '+15551230001');
    await page.click('#call');
    await page.locator('.line.bot', { hasText: 'Hi Alex' }).waitFor({ timeout: 20_000 });

    await page.fill('#text', 'what do I owe');
    await page.click('#say');
    await page.locator('.line.caller', { hasText: 'what do I owe' }).waitFor();
    // Caller ID is only a hint: the code texted to the phone shows beside the call, and is keyed back.
    await page.locator('.line.bot', { hasText: 'code' }).waitFor({ timeout: 20_000 });
    const texted = await page.locator('#texts .sms', { hasText: 'verification code' }).last().textContent({ timeout: 20_000 });
    const code = /\b(\d{6})\b/.exec(texted ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    for (const digit of `${code}#`) await page.click(`.keypad button:text("${digit}")`);
    await page.locator('.line.bot', { hasText: 'dollars' }).waitFor({ timeout: 20_000 });
    await page.click('.keypad button:text("0")');
    await page.locator('.note', { hasText: 'Handed to a person' }).or(page.locator('.line.bot', { hasText: 'nobody can take your call' })).first().waitFor({ timeout: 20_000 });

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
    await context.close();
  });
});
