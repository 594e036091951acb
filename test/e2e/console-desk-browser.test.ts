import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST_DIR } from '../../src/http/console/console-app.routes.ts';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type TestStaffUser } from '../support/staff.ts';

// The desk in a real browser (Debian's chromium), with screenshots for a person to look at:
// an agent acts for the customer from the conversation's "Actions" panel (fill in, read back,
// confirm; the customer gets the SMS), and a supervisor on the wallboard takes over one waiting
// conversation and reassigns another to an agent, and sets an agent's queues and capacity.

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';
const SHOTS = process.env['CONSOLE_SCREENSHOTS'] ?? path.join(tmpdir(), 'console-desk-screenshots');
/** The third demo customer. */
const THIRD = '+15551230003';

let env: TestEnv;
let browser: Browser;
let agent: TestStaffUser;
let supervisor: TestStaffUser;
let other: TestStaffUser;

beforeAll(async () => {
  if (!existsSync(path.join(CONSOLE_DIST_DIR, 'index.html'))) throw new Error('The console is not built: run `npm run console:build` first (setup:test does it).');
  mkdirSync(SHOTS, { recursive: true });
  // One SMS conversation each, offers that wait, and a waiting-time SLA short enough that a waiting conversation is at risk at once.
  env = await startTestEnv({ env: { AGENT_STAFFED_HOURS: ALL_DAY, AGENT_CAPACITY_SMS: '1', AGENT_OFFER_TIMEOUT: '10m', AGENT_WAIT_SLA: '2s', AGENT_SWEEP_INTERVAL: '1h' } });
  agent = await createStaffUser(env.database.db, { role: 'agent', displayName: 'Ada Agent' });
  supervisor = await createStaffUser(env.database.db, { role: 'supervisor', displayName: 'Sol Supervisor' });
  other = await createStaffUser(env.database.db, { role: 'agent', displayName: 'Ben Agent' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function signInPage(user: TestStaffUser, at: string): Promise<{ page: Page; problems: string[]; shot(name: string): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = collectPageProblems(page);
  await page.goto(`${env.service.publicBaseUrl}${at}`);
  await page.getByLabel('Email').fill(user.email);
  await page.locator('input[type="password"]').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { page, problems, shot: (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true }).then(() => undefined) };
}

describe('the desk in a browser', () => {
  it('an agent opens a trouble ticket for the customer from the Actions panel, with a confirm step; a reload reopens the tab', async () => {
    const { page, problems, shot } = await signInPage(agent, '/console/inbox');
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 15_000 }).toMatch(/live/i);
    await page.getByText('Away', { exact: true }).click();

    const before = env.twilio.state.messagesTo(ALEX).length;
    expect((await env.sms(ALEX, 'my internet keeps cutting out, can I talk to an actual person')).status).toBe(200);
    await env.twilio.state.waitForMessages(ALEX, before + 1);
    const queued = page.getByTestId('queued-card').filter({ hasText: 'Alex Morgan' });
    await queued.waitFor({ timeout: 20_000 });
    await queued.getByRole('button', { name: 'Claim' }).click();
    const panel = page.getByTestId('conversation-panel');
    await panel.getByTestId('owner-state').filter({ hasText: 'agent' }).waitFor({ timeout: 15_000 });

    await panel.getByRole('button', { name: 'Actions' }).click();
    const actions = page.getByTestId('actions-panel');
    await actions.waitFor();
    await actions.getByLabel('Product with the fault').click();
    await page.getByRole('option', { name: /\(internet\)/ }).first().click();
    await actions.getByLabel('What is wrong').fill('Connection drops every evening; router lights look normal');
    await actions.getByRole('button', { name: 'Review…' }).click();
    await actions.getByTestId('action-confirm').waitFor();
    expect(await actions.getByTestId('action-confirm').textContent()).toMatch(/Open a trouble ticket on .*\(internet\): “Connection drops every evening; router lights look normal”/);
    await shot('1-action-confirm');

    const sent = env.twilio.state.messagesTo(ALEX).length;
    await actions.getByRole('button', { name: 'Confirm' }).click();
    const result = actions.getByTestId('action-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toMatch(/TT-\d+ opened/);
    const told = await env.twilio.state.waitForMessages(ALEX, sent + 1);
    expect(told.at(-1)?.body).toMatch(/^I've opened TT-\d+ for the fault on your .+\. We'll keep you posted here as it's worked on\.$/);
    await shot('2-action-done');
    await actions.getByRole('button', { name: 'Done' }).click();
    await actions.waitFor({ state: 'detached' });
    // The message the customer got shows in the transcript.
    await panel.getByTestId('line-agent').filter({ hasText: /I've opened TT-\d+/ }).waitFor({ timeout: 15_000 });
    await shot('3-transcript-after-action');

    // A reload reopens the conversation the agent owns, on the same tab.
    await page.reload();
    const reopened = page.getByTestId('conversation-panel');
    await reopened.getByTestId('owner-state').filter({ hasText: 'agent' }).waitFor({ timeout: 20_000 });
    await reopened.getByRole('heading', { name: 'Alex Morgan' }).waitFor();
    await reopened.getByTestId('line-agent').filter({ hasText: /I've opened TT-\d+/ }).waitFor({ timeout: 15_000 });
    await shot('3b-after-reload');

    // The customer 360 offers the same actions while the agent holds a conversation with the customer.
    const alex = await env.database.db.prisma.contactMedium.findFirstOrThrow({ where: { phoneNumber: ALEX } });
    await page.goto(`${env.service.publicBaseUrl}/console/customers/${alex.customerId}`);
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByTestId('actions-panel').getByLabel('Action').waitFor();
    await shot('3c-customer-360-actions');
    await page.keyboard.press('Escape');
    expect(problems.filter((problem) => problem !== '401 /console/api/session')).toEqual([]);
  }, 180_000);

  it('a supervisor takes over one waiting conversation and reassigns another from the wallboard', async () => {
    // Ben is available for one SMS conversation: Sam's is offered to him, the next customer's waits in the queue.
    const ben = await signInStaff(env.service.url, other);
    expect((await ben.request('/console/api/agent/presence', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'available' }) })).status).toBe(200);
    expect((await env.sms(SAM, 'this is ridiculous, I need a human on the phone now')).status).toBe(200);
    const samOwner = await eventually(async () => {
      const row = await env.database.db.prisma.conversationOwner.findFirst({ where: { state: 'offered', offeredToStaffId: other.id } });
      return row ?? undefined;
    }, 'Sam offered to Ben', 20_000);
    expect((await env.sms(THIRD, 'can i speak to a person please')).status).toBe(200);
    const thirdOwner = await eventually(async () => {
      const row = await env.database.db.prisma.conversationOwner.findFirst({ where: { state: 'queued', conversationId: { not: samOwner.conversationId } } });
      return row ?? undefined;
    }, 'the third customer queued', 20_000);

    const { page, problems, shot } = await signInPage(supervisor, '/console/wallboard');
    const table = page.getByTestId('sla-table');
    await expect.poll(async () => (await table.count()) > 0 && (await table.getByRole('row').count()), { timeout: 20_000 }).toBe(2);
    await shot('4-wallboard-sla-at-risk');

    // Take over the first one listed; the other is then the only row left.
    await table.getByRole('row').first().getByRole('button', { name: 'Take over' }).click();
    await expect.poll(() => table.getByRole('row').count(), { timeout: 15_000 }).toBe(1);
    const takenOver = await env.database.db.prisma.conversationOwner.findFirstOrThrow({ where: { state: 'agent', ownerStaffId: supervisor.id } });
    expect([samOwner.conversationId, thirdOwner.conversationId]).toContain(takenOver.conversationId);
    await shot('5-wallboard-after-take-over');

    await table.getByRole('row').first().getByPlaceholder('Reassign to…').click();
    await page.getByRole('option', { name: 'Ben Agent' }).click();
    await page.getByText('Nothing at risk.').waitFor({ timeout: 15_000 });
    const remaining = takenOver.conversationId === samOwner.conversationId ? thirdOwner.conversationId : samOwner.conversationId;
    expect(await env.database.db.prisma.conversationOwner.findUniqueOrThrow({ where: { conversationId: remaining } })).toMatchObject({ state: 'agent', ownerStaffId: other.id });
    const reasons = async (conversationId: string) => (await env.database.db.prisma.ownershipEvent.findMany({ where: { conversationId, toState: 'agent' } })).map((entry) => entry.reason);
    expect(await reasons(takenOver.conversationId)).toEqual(['taken-over']);
    expect(await reasons(remaining)).toEqual(['reassigned']);
    await shot('6-wallboard-after-reassign');
    expect(problems.filter((problem) => problem !== '401 /console/api/session')).toEqual([]);
  }, 180_000);

  it('a supervisor sets an agent’s queues and SMS capacity on the Agents screen', async () => {
    const { page, problems, shot } = await signInPage(supervisor, '/console/agents');
    const row = page.getByTestId('profile-Ben Agent');
    await row.waitFor({ timeout: 15_000 });
    await row.getByLabel('Queues of Ben Agent').click();
    await page.getByRole('option', { name: 'Technical' }).click();
    await page.keyboard.press('Escape');
    await row.getByLabel('SMS capacity of Ben Agent').fill('2');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('button', { name: 'Saved' }).waitFor({ timeout: 15_000 });
    await shot('7-agents-screen');
    expect(await env.database.db.prisma.agentPresence.findUniqueOrThrow({ where: { staffId: other.id } })).toMatchObject({ skills: ['technical'], capacitySms: 2, capacityWebchat: null, capacityVoice: null });
    expect(problems.filter((problem) => problem !== '401 /console/api/session')).toEqual([]);
  }, 120_000);
});
