import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Real-browser tests run Debian's chromium through playwright-core; no browser is downloaded.

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, headless; a missing or broken browser fails the file (never skips it). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; install it with: apt-get install -y chromium`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (error) {
    throw new Error(`Cannot launch ${CHROMIUM}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Collects what shows a page not running cleanly: uncaught errors, console errors (content
 * security policy violations among them) and failed requests. The list fills as the page runs.
 */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // Failed requests are reported below with their URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (response) => {
    // The browser asks for /favicon.ico on its own; the pages do not declare one.
    const { pathname } = new URL(response.url());
    if (response.status() >= 400 && pathname !== '/favicon.ico') problems.push(`${response.status()} ${pathname}`);
  });
  return problems;
}
