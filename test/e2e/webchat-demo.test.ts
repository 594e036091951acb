import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WEBCHAT_BUNDLE_PATH } from '../../src/channels/webchat/webchat-bundle.ts';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { startSandboxEnv, type SandboxEnv } from '../support/sandbox.ts';

// The web chat demo page at `/` in a real browser: Microsoft's Web Chat (served by the product)
// on the product's own Direct Line API, against the service as `npm start` runs it (sandbox).
// The page's content security policy is enforced by the browser; any violation fails the test.

const SAM = '+15551230002';
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const REPLY_TIMEOUT_MS = 15_000;

let env: SandboxEnv;
let browser: Browser | undefined;
/** Why the browser did not start: every test then fails with it (none is skipped). */
let browserProblem: unknown;
let context: BrowserContext | undefined;
let pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(WEBCHAT_BUNDLE_PATH)) throw new Error(`The Web Chat bundle is missing at ${WEBCHAT_BUNDLE_PATH}: run npm run webchat:fetch`);
  const [launched, started] = await Promise.allSettled([launchChromium(), startSandboxEnv()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  else browserProblem = launched.reason;
  if (started.status === 'fulfilled') env = started.value;
  else throw started.reason;
}, 90_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  // The browser first: its WebSocket would hold the server's close.
  await browser?.close();
  await env?.close();
});

/** Opens the demo page and waits until Web Chat is connected. */
async function openDemo(): Promise<Page> {
  if (!browser) throw browserProblem;
  context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  pageProblems = collectPageProblems(page);
  const response = await page.goto(`${env.service.url}/`);
  expect(response?.status()).toBe(200);
  await expect.poll(() => page.locator('#status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toBe('online');
  await welcomed(page);
  return page;
}

/** Waits for the conversation's welcome, so that it is not taken for the reply to what the visitor types next. */
async function welcomed(page: Page): Promise<void> {
  await expect.poll(() => botMessages(page).first().textContent({ timeout: REPLY_TIMEOUT_MS }), { timeout: REPLY_TIMEOUT_MS }).toMatch(/^Hi, welcome/);
}

const botMessages = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__text-content');
const userMessages = (page: Page) => page.locator('.webchat__bubble--from-user .webchat__text-content');

/** The bot's message number `index` (0-based) once it is shown. */
async function botMessage(page: Page, index: number): Promise<string> {
  const message = botMessages(page).nth(index);
  try {
    await message.waitFor({ timeout: REPLY_TIMEOUT_MS });
  } catch {
    throw new Error(`No bot message #${index + 1}; the transcript shows: ${JSON.stringify(await page.locator('.webchat__text-content').allTextContents())}`);
  }
  return (await message.textContent()) ?? '';
}

/** Types a message in Web Chat's send box, sends it, and returns the bot's next message. */
async function say(page: Page, text: string): Promise<string> {
  const before = await botMessages(page).count();
  const box = page.getByRole('textbox', { name: 'Message input box' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => userMessages(page).last().textContent()).toBe(text);
  return botMessage(page, before);
}

/** Taps a quick-reply button and returns the bot's next message. */
async function tap(page: Page, label: string): Promise<string> {
  const before = await botMessages(page).count();
  await page.locator('.webchat__suggested-action', { hasText: label }).click();
  return botMessage(page, before);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  await page.screenshot({ path: `${RESULTS}${name}`, fullPage: true });
}

async function ticketOf(reference: string | undefined) {
  return env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { number: Number(reference?.slice(3)) }, include: { customer: true } });
}

describe('web chat demo page', () => {
  it('is served with a deliberate content security policy and the Web Chat bundle from this service', async () => {
    const response = await fetch(`${env.service.url}/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    expect(policy).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('<script src="/webchat/webchat.js"></script>');
    expect(html).not.toMatch(/<script>|https?:\/\/(?!localhost)[a-z]/);
    const bundle = await fetch(`${env.service.url}/webchat/webchat.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('chats as the demo customer the website signed in: reports a fault by buttons, gets the TT- reference, asks its status', async () => {
    const page = await openDemo();
    const picker = page.getByLabel('Chat as');
    const options = await picker.locator('option').allTextContents();
    expect(options[0]).toBe('Anonymous visitor');
    expect(options).toContain('Alex Morgan (+15551230001)');
    expect(await picker.locator('option:checked').textContent()).toBe('Alex Morgan (+15551230001)');
    expect(await page.locator('#who').textContent()).toBe('Alex Morgan');

    expect(await say(page, 'my internet has been down since yesterday')).toMatch(/Did that fix it\?$/);
    expect(await page.locator('.webchat__suggested-action').allTextContents()).toEqual(['Yes, fixed', 'No', 'Skip']);
    expect(await tap(page, 'Skip')).toMatch(/open a fault ticket for your internet.*Shall I go ahead\?$/);
    const done = await tap(page, 'Yes');
    const reference = /TT-\d+/.exec(done)?.[0];
    expect(reference, done).toBeDefined();
    expect(await say(page, "what's the status of my ticket")).toContain(reference);

    const ticket = await ticketOf(reference);
    expect([ticket.customer.givenName, ticket.customer.familyName]).toEqual(['Alex', 'Morgan']);
    const conversation = await env.database.db.prisma.conversation.findFirstOrThrow({ where: { channel: 'webchat', customerId: ticket.customerId } });
    expect(conversation.handler).toBe('bot');
    expect(await userMessages(page).allTextContents()).toEqual(['my internet has been down since yesterday', 'Skip', 'Yes', "what's the status of my ticket"]);
    expect(pageProblems).toEqual([]);
    await screenshot(page, 'webchat-demo.png');
  });

  it('opens with a greeting, asks "which of the two?" with buttons, and keeps the conversation when the page is reloaded', async () => {
    const page = await openDemo();
    // Never a blank chat: the welcome and its buttons are there before the visitor types.
    expect(await botMessage(page, 0)).toMatch(/^Hi, welcome to Northwind Telecom! .*What can I do for you\?$/);
    expect(await page.locator('.webchat__suggested-action').allTextContents()).toEqual(['My internet is down', 'Explain my bill', 'What offers do you have?']);
    await screenshot(page, 'webchat-demo-welcome.png');

    expect(await say(page, 'bill or fault?? idk my internet bill')).toBe('Just to be sure: is this about a fault with a service or your bill?');
    expect(await page.locator('.webchat__suggested-action').allTextContents()).toEqual(['A fault with a service', 'Your bill']);
    const answer = await tap(page, 'Your bill');
    expect(answer).not.toMatch(/\bText\b/);
    const before = await page.locator('.webchat__text-content').allTextContents();

    // A reload resumes the same conversation and shows it again; nothing is lost.
    await page.reload();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toBe('online');
    await expect.poll(() => page.locator('.webchat__text-content').allTextContents(), { timeout: REPLY_TIMEOUT_MS }).toEqual(before);
    expect(await say(page, "what's my balance")).toMatch(/\$/);
    const conversations = await env.database.db.prisma.conversation.count({ where: { channel: 'webchat', interactions: { some: { text: 'bill or fault?? idk my internet bill' } } } });
    expect(conversations).toBe(1);
    await screenshot(page, 'webchat-demo-reloaded.png');

    // "Start again" is a new conversation, opening with the welcome again.
    await page.locator('#restart').click();
    await expect.poll(() => page.locator('.webchat__text-content').allTextContents(), { timeout: REPLY_TIMEOUT_MS }).toEqual([expect.stringMatching(/^Hi, welcome/)]);
    expect(pageProblems).toEqual([]);
  });

  it('signs an anonymous visitor in by the code texted to the number on file, then takes the fault report', async () => {
    const page = await openDemo();
    await page.getByLabel('Chat as').selectOption({ label: 'Anonymous visitor' });
    expect(await page.locator('#who').textContent()).toBe('Anonymous visitor');
    await expect.poll(() => page.locator('#status').textContent(), { timeout: REPLY_TIMEOUT_MS }).toBe('online');
    await welcomed(page);

    expect(await say(page, 'my mobile has had no signal since this morning')).toMatch(/mobile number on your account/i);
    const sandbox = env.service.sandbox;
    if (!sandbox) throw new Error('the service is not in sandbox mode');
    const textsBefore = sandbox.messagesTo(SAM).length;
    expect(await say(page, '555 123 0002')).toMatch(/6-digit code/);
    const [text] = (await sandbox.waitForMessages(SAM, textsBefore + 1)).slice(textsBefore);
    const code = /\b(\d{6})\b/.exec(text?.body ?? '')?.[1];
    expect(code, text?.body).toBeDefined();

    const signedIn = await say(page, code ?? '');
    expect(signedIn).toMatch(/Thanks, Sam, you're signed in/);
    // The request the visitor started with carries on: Sam has only mobile, so no question which.
    const thanks = (await botMessages(page).allTextContents()).findIndex((message) => /signed in/.test(message));
    let reply = await botMessage(page, thanks + 1);
    if (/Did that fix it\?$/.test(reply)) reply = await tap(page, 'Skip');
    expect(reply).toMatch(/open a fault ticket for your mobile.*Shall I go ahead\?$/);
    const done = await tap(page, 'Yes');
    const reference = /TT-\d+/.exec(done)?.[0];
    expect(reference, done).toBeDefined();
    expect(await say(page, "what's the status of my ticket")).toContain(reference);

    const ticket = await ticketOf(reference);
    expect([ticket.customer.givenName, ticket.customer.familyName]).toEqual(['Sam', 'Rivera']);
    const conversation = await env.database.db.prisma.conversation.findFirstOrThrow({ where: { channel: 'webchat', customerId: ticket.customerId } });
    // The messages after the sign-in are in Sam's contact log.
    const logged = await env.database.db.prisma.interaction.findMany({ where: { conversationId: conversation.id, customerId: ticket.customerId, direction: 'inbound' } });
    expect(logged.map((i) => i.text)).toContain("what's the status of my ticket");
    expect(pageProblems).toEqual([]);
    await screenshot(page, 'webchat-demo-sign-in.png');
  });
});
