import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBillAdjustment } from '../../src/domain/billing/adjustments.service.ts';
import { collectPageProblems, launchChromium } from '../support/browser.ts';
import { ALEX, startTestEnv, type TestEnv } from '../support/service.ts';

// The console in Debian's chromium: sign in as the demo supervisor (the sign-in page lists the
// demo staff in development), find a customer, open their 360, approve a pending credit, sign out.
// Screenshots go to a temporary directory (printed) for a person to look at.

let env: TestEnv;
let browser: Browser;
let shots: string;
let creditReference = '';

beforeAll(async () => {
  [env, browser] = await Promise.all([startTestEnv({ env: { NODE_ENV: 'development' } }), launchChromium()]);
  shots = await mkdtemp(path.join(tmpdir(), 'console-shots-'));
  const prisma = env.database.db.prisma;
  const alex = await prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } });
  const charge = await prisma.billCharge.findFirstOrThrow({ where: { bill: { account: { customerId: alex.customerId } }, chargeType: 'recurring', amount: { gt: 40 } }, select: { id: true, billId: true } });
  const outcome = await requestBillAdjustment(
    prisma,
    { customerId: alex.customerId, billId: charge.billId, chargeId: charge.id, amount: '40.00', reason: 'Internet down all week', channel: 'sms', idempotencyKey: 'console-browser-credit' },
    { autoApproveLimit: '25.00', autoApprovePerPeriod: 2, periodDays: 90, otpThreshold: '10.00' },
  );
  if (outcome.kind !== 'recorded') throw new Error(outcome.kind);
  creditReference = outcome.adjustment.reference;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('the console in a browser', () => {
  it('signs in, finds a customer, opens the 360, approves a credit and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = collectPageProblems(page);
    await page.goto(`${env.service.url}/console/customers`);

    // Development: the demo staff are listed; choosing one fills the form.
    await page.getByRole('cell', { name: 'supervisor@example.com' }).click();
    await page.screenshot({ path: path.join(shots, '1-sign-in.png') });
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The URL asked for (customers) opens after sign-in; the navigation shows what a supervisor may open.
    await page.getByLabel('Find a customer').fill('alex morgan');
    await page.getByRole('link', { name: 'Alex Morgan' }).waitFor();
    expect(await page.getByRole('link', { name: 'Approvals' }).count()).toBe(1);
    await page.screenshot({ path: path.join(shots, '2-search.png') });
    await page.getByRole('link', { name: 'Alex Morgan' }).click();

    await page.getByRole('heading', { name: 'Alex Morgan' }).waitFor();
    await page.getByText(creditReference, { exact: false }).first().waitFor();
    await page.screenshot({ path: path.join(shots, '3-customer-360.png'), fullPage: true });
    await page.getByLabel(`Reason for ${creditReference}`).fill('Outage confirmed');
    await page.getByRole('button', { name: 'Approve' }).click();
    // Decided: the credit leaves the list of credits awaiting approval.
    await page.getByLabel(`Reason for ${creditReference}`).waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(shots, '4-approved.png'), fullPage: true });
    const credit = await env.database.db.prisma.billAdjustment.findFirstOrThrow({ where: { idempotencyKey: 'console-browser-credit' } });
    expect(credit.status).toBe('approved');

    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    await page.screenshot({ path: path.join(shots, '5-signed-out.png') });
    const sessions = await env.database.db.prisma.staffSession.findMany({ where: { staffUser: { email: 'supervisor@example.com' } } });
    expect(sessions.every((session) => session.revokedAt !== null)).toBe(true);

    // The only failed requests are the "who am I" checks while signed out.
    expect(problems.filter((problem) => problem !== '401 /console/api/session')).toEqual([]);
    process.stdout.write(`console screenshots: ${shots}\n`);
  }, 180_000);
});
