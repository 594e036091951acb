import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { startSandboxEnv, type SandboxEnv } from '../support/sandbox.ts';

// The SMS try-it page at `/try/sms` in a real browser, against the service in sandbox mode (no Twilio
// account): the page posts through the real signed SMS webhook and polls the built-in stand-in.

const ALEX = '+15551230001';
const UNKNOWN = '+15559990000';
const SCREENSHOT = fileURLToPath(new URL('../../test-results/demo-page.png', import.meta.url));
const REPLY_TIMEOUT_MS = 10_000;

let env: SandboxEnv;
let browser: Browser | undefined;
/** Why the browser did not start: every test then fails with it (none is skipped). */
let browserProblem: unknown;
let context: BrowserContext | undefined;
/** Uncaught page errors and console errors: the page must run cleanly. */
let pageProblems: string[] = [];

beforeAll(async () => {
  const [launched, started] = await Promise.allSettled([launchChromium(), startSandboxEnv()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  else browserProblem = launched.reason;
  if (started.status === 'fulfilled') env = started.value;
  else throw started.reason;
  // A browser start on top of the embedded database's migration and seed can outlast the
  // suite's 60 s hook default on a busy two-core machine.
}, 90_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  // The browser first: its polling keeps connections open that would hold the server's close.
  await browser?.close();
  await env?.close();
});

/** Opens the page in a fresh browser context and waits until the customer picker is filled. */
async function openPage(): Promise<Page> {
  if (!browser) throw browserProblem;
  context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  pageProblems = collectPageProblems(page);
  const response = await page.goto(`${env.service.url}/try/sms`);
  expect(response?.status()).toBe(200);
  await page.locator('#customer option').first().waitFor({ state: 'attached' });
  // The page ignores replies sent before it loaded; wait until it polls from its own start.
  await page.locator('#thread .note').first().waitFor();
  return page;
}

/** The thread as the customer sees it, for failure messages. */
async function threadText(page: Page): Promise<string[]> {
  return page.locator('#thread .bubble').allTextContents();
}

/** Waits until the thread shows reply number `index` (0-based) and returns its text. */
async function replyAt(page: Page, index: number): Promise<string> {
  const reply = page.locator('#thread .bubble.out').nth(index);
  try {
    await reply.waitFor({ timeout: REPLY_TIMEOUT_MS });
  } catch {
    throw new Error(`No bot reply #${index + 1} on the page; the thread shows: ${JSON.stringify(await threadText(page))}`);
  }
  return (await reply.textContent()) ?? '';
}

/** Types `text` into the message box, sends it (Send button or Enter), and returns the bot's reply. */
async function typeAndSend(page: Page, text: string, how: 'click' | 'enter' = 'click'): Promise<string> {
  const replies = await page.locator('#thread .bubble.out').count();
  const box = page.getByRole('textbox', { name: 'Text message' });
  await box.fill(text);
  if (how === 'click') await page.getByRole('button', { name: 'Send', exact: true }).click();
  else await box.press('Enter');
  await expect.poll(() => page.locator('#thread .bubble.in').last().textContent()).toBe(text);
  expect(await box.inputValue()).toBe('');
  return replyAt(page, replies);
}

describe('try-it page (sandbox)', () => {
  it('lets Alex report a fault, confirm it and ask for its status', async () => {
    const page = await openPage();
    const picker = page.getByLabel('Text as');
    const options = await picker.locator('option').allTextContents();
    expect(options).toContain('Alex Morgan (+15551230001)');
    expect(options).toContain('Sam Rivera (+15551230002)');
    expect(options.at(-1)).toBe('Unknown number (+15559990000)');

    await picker.selectOption({ label: 'Alex Morgan (+15551230001)' });
    expect(await page.locator('#who').textContent()).toBe('Alex Morgan');
    expect(await page.locator('#number').textContent()).toBe(ALEX);
    expect(await threadText(page)).toEqual(['Texting as Alex Morgan']);

    const selfHelp = await typeAndSend(page, 'my internet has been down since yesterday');
    expect(selfHelp).toMatch(/restart/i);
    const confirm = await typeAndSend(page, 'skip');
    expect(confirm).toMatch(/open a fault ticket for your internet/i);
    // Quick replies are numbered on SMS.
    expect(confirm).toMatch(/1\) Yes 2\) No/);

    const done = await typeAndSend(page, 'yes', 'enter');
    const reference = /TT-\d+/.exec(done)?.[0];
    expect(reference, `reply without a ticket reference: ${done}`).toBeDefined();

    // The "Try" shortcut sends the same question a customer would type.
    const replies = await page.locator('#thread .bubble.out').count();
    await page.getByRole('button', { name: "what's the status of my ticket" }).click();
    const status = await replyAt(page, replies);
    expect(status).toContain(reference);

    const { prisma } = env.database.db;
    const ticket = await prisma.troubleTicket.findUniqueOrThrow({ where: { number: Number(reference?.slice(3)) }, include: { customer: true } });
    expect([ticket.customer.givenName, ticket.customer.familyName]).toEqual(['Alex', 'Morgan']);
    expect(ticket.serviceType).toBe('internet');
    expect(ticket.description).toBe('my internet has been down since yesterday');

    expect(await page.locator('#thread .bubble.in').allTextContents()).toEqual([
      'my internet has been down since yesterday',
      'skip',
      'yes',
      "what's the status of my ticket",
    ]);
    expect(await page.locator('#thread .bubble.note').allTextContents()).toEqual(['Texting as Alex Morgan']);
    // The newest bubble is scrolled into view, as on a phone.
    expect(await page.locator('#thread .bubble.out').last().isVisible()).toBe(true);
    expect(pageProblems).toEqual([]);

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('answers the unknown number politely', async () => {
    const page = await openPage();
    await page.getByLabel('Text as').selectOption(UNKNOWN);
    expect(await page.locator('#who').textContent()).toBe('Unknown number');
    expect(await page.locator('#number').textContent()).toBe(UNKNOWN);

    const reply = await typeAndSend(page, 'hello');
    expect(reply).toMatch(/couldn't match this number to an account/);
    expect(pageProblems).toEqual([]);
  });

  it('does not send an empty message', async () => {
    const page = await openPage();
    const sends: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/dev/sms/send')) sends.push(request.postData() ?? '');
    });
    const box = page.getByRole('textbox', { name: 'Text message' });
    const sendButton = page.getByRole('button', { name: 'Send', exact: true });

    await sendButton.click();
    await box.fill('   ');
    await box.press('Enter');
    await box.fill('\t ');
    await sendButton.click();

    // A real message afterwards: its request is the first and only one the page made.
    const reply = await typeAndSend(page, 'HELP');
    expect(reply).toMatch(/^Northwind Telecom customer care: call \+1 555 010 0100/);
    expect(sends.map((body): unknown => JSON.parse(body))).toEqual([{ from: ALEX, text: 'HELP' }]);
    expect(await page.locator('#thread .bubble.in').allTextContents()).toEqual(['HELP']);
    expect(await page.locator('#thread .bubble.note').allTextContents()).toEqual(['Texting as Alex Morgan']);
    expect(pageProblems).toEqual([]);

    // The server refuses one too, should another client try.
    const refused = await fetch(`${env.service.url}/dev/sms/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: ALEX, text: '  ' }),
    });
    expect(refused.status).toBe(400);
    const refusal: unknown = await refused.json();
    expect(refusal).toMatchObject({ error: { code: 'invalid_request' } });
  });
});
