import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST_DIR } from '../../src/http/console/console-app.routes.ts';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { ALEX, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, type TestStaffUser } from '../support/staff.ts';

// The agent console in a real browser (Debian's chromium): an agent signs in, sees a customer's
// SMS conversation arrive in the queue live, claims it, replies (the customer gets the SMS), sees
// the customer's answer arrive live, and hands the conversation back to the bot, which asks the
// customer for a rating. Screenshots of each step are saved for a person to look at.

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';
const SHOTS = process.env['CONSOLE_SCREENSHOTS'] ?? path.join(tmpdir(), 'console-agent-screenshots');

let env: TestEnv;
let browser: Browser;
let page: Page;
let problems: string[];
let agent: TestStaffUser;

beforeAll(async () => {
  if (!existsSync(path.join(CONSOLE_DIST_DIR, 'index.html'))) throw new Error('The console is not built: run `npm run console:build` first (setup:test does it).');
  mkdirSync(SHOTS, { recursive: true });
  env = await startTestEnv({ env: { AGENT_STAFFED_HOURS: ALL_DAY } });
  agent = await createStaffUser(env.database.db, { role: 'agent', displayName: 'Ada Agent' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  problems = collectPageProblems(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe('the agent console', () => {
  it('signs in, claims a queued conversation, replies, sees the answer live, hands back', async () => {
    // The console's own origin (PUBLIC_BASE_URL): the socket is refused from any other.
    await page.goto(`${env.service.publicBaseUrl}/console/inbox`);
    await page.getByLabel('Email').fill(agent.email);
    await page.locator('input[type="password"]').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('radiogroup', { name: 'Presence' }).or(page.getByText('My presence')).first().waitFor();
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 15_000 }).toMatch(/live/i);
    // Away: a new handoff waits in the queue instead of being offered (the agent claims it).
    await page.getByText('Away', { exact: true }).click();
    await shot('1-inbox-empty');

    // The customer asks for a person by SMS; the conversation appears in the queue without a reload.
    const before = env.twilio.state.messagesTo(ALEX).length;
    expect((await env.sms(ALEX, 'I want to talk to a person')).status).toBe(200);
    await env.twilio.state.waitForMessages(ALEX, before + 1);
    const queued = page.getByTestId('queued-card').filter({ hasText: 'Alex Morgan' });
    await queued.waitFor({ timeout: 20_000 });
    await shot('2-queued');

    await queued.getByRole('button', { name: 'Claim' }).click();
    const panel = page.getByTestId('conversation-panel');
    await panel.getByTestId('owner-state').filter({ hasText: 'agent' }).waitFor({ timeout: 15_000 });
    await panel.getByTestId('handoff-packet').waitFor();

    // The reply box: Enter sends; the customer gets it by SMS.
    const replied = env.twilio.state.messagesTo(ALEX).length;
    await page.getByRole('textbox', { name: 'Reply', exact: true }).fill('Hi Alex, Ada here. How can I help?');
    await page.getByRole('textbox', { name: 'Reply', exact: true }).press('Enter');
    const toAlex = await env.twilio.state.waitForMessages(ALEX, replied + 1);
    expect(toAlex.at(-1)?.body).toBe('Hi Alex, Ada here. How can I help?');
    await panel.getByTestId('line-agent').filter({ hasText: 'Hi Alex, Ada here. How can I help?' }).waitFor();
    await expect.poll(() => page.getByRole('textbox', { name: 'Reply', exact: true }).inputValue()).toBe('');

    // The customer's answer shows up live in the open conversation.
    expect((await env.sms(ALEX, 'My internet bill looks too high this month')).status).toBe(200);
    await panel.getByTestId('line-customer').filter({ hasText: 'My internet bill looks too high this month' }).waitFor({ timeout: 20_000 });
    await shot('3-conversation');

    // The "?" overlay lists the shortcuts.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+?');
    await page.getByTestId('shortcuts').waitFor();
    await shot('4-shortcuts');
    await page.keyboard.press('Escape');

    // Hand back to the bot, which asks the customer for a rating.
    const handedBack = env.twilio.state.messagesTo(ALEX).length;
    await panel.getByRole('button', { name: 'Hand back' }).click();
    await page.getByRole('menuitem', { name: /rating/ }).click();
    const afterHandBack = await env.twilio.state.waitForMessages(ALEX, handedBack + 1);
    expect(afterHandBack.at(-1)?.body ?? '').toMatch(/1.*5/);
    await eventually(async () => ((await page.getByTestId('conversation-panel').count()) === 0 ? true : undefined), 'the tab closed after hand-back');
    await shot('5-handed-back');

    // Before signing in, the shell asks who is signed in and is told 401: that one is expected.
    expect(problems.filter((problem) => problem !== '401 /console/api/session')).toEqual([]);
  }, 120_000);
});
