import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config/index.ts';
import { fakeSid, postSignedForm } from '../sandbox/twilio-signing.ts';
import { toE164 } from '../lib/phone.ts';
import { reachService } from './reach-service.ts';
import { z } from 'zod';

// `npm run chat -- --from +15551230001`: a terminal conversation with the bot as that phone
// number. Each line goes through the real SMS webhook, signed as Twilio signs it; the replies are
// read back from the Twilio sandbox. It uses the service at --url when one is running there,
// and otherwise starts one in this process.

const USAGE = 'Usage: npm run chat -- --from +15551230001 [--url http://localhost:3000]';
const sandboxMessages = z.object({ messages: z.array(z.object({ index: z.number(), body: z.string() })) });

/** How long to keep listening for more replies after the last one, in ms. */
const QUIET_MS = 1200;
const REPLY_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const from = values.from ? toE164(values.from) : undefined;
  if (!from) throw new Error(`--from needs a phone number. ${USAGE}`);

  const config = loadConfig();
  if (!config.twilio.sandbox) throw new Error('A Twilio account is configured (TWILIO_*): replies go to real phones, so the chat CLI cannot show them. Unset TWILIO_* to use the sandbox.');
  const baseUrl = (values.url ?? config.http.publicBaseUrl).replace(/\/+$/, '');
  const { url, publicBaseUrl, service } = await reachService(config, baseUrl);

  let after = await lastIndex(url);
  process.stdout.write(`Texting ${config.operator.name} as ${from}. Type a message; Ctrl-D or "/quit" to leave.\n`);
  const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
  const prompt = () => process.stdout.write('you> ');
  prompt();
  try {
    for await (const line of rl) {
      if (line.trim() === '/quit') break;
      if (!process.stdin.isTTY) process.stdout.write(`${line}\n`);
      if (!line.trim()) {
        prompt();
        continue;
      }
      const params = { MessageSid: fakeSid('SM'), AccountSid: config.twilio.accountSid, From: from, To: config.twilio.phoneNumber, Body: line };
      const response = await postSignedForm(config.twilio.authToken, `${url}/twilio/sms`, params, `${publicBaseUrl}/twilio/sms`);
      if (response.ok) after = await printReplies(url, from, after);
      else process.stdout.write(`  (webhook answered ${response.status}: ${await response.text()})\n`);
      prompt();
    }
  } finally {
    rl.close();
    await service?.close();
  }
}

async function fetchSandbox(url: string, query: string) {
  const response = await fetch(`${url}/dev/twilio/messages${query}`);
  if (!response.ok) throw new Error(`The service at ${url} has no Twilio sandbox (is a Twilio account configured there?)`);
  return sandboxMessages.parse(await response.json()).messages;
}

async function lastIndex(url: string): Promise<number> {
  return (await fetchSandbox(url, '')).reduce((max, message) => Math.max(max, message.index), -1);
}

/** Prints replies as they arrive; stops after a quiet spell. Returns the last index seen. */
async function printReplies(url: string, to: string, after: number): Promise<number> {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  let lastReplyAt: number | undefined;
  while (Date.now() < deadline && (lastReplyAt === undefined || Date.now() - lastReplyAt < QUIET_MS)) {
    for (const message of await fetchSandbox(url, `?to=${encodeURIComponent(to)}&after=${after}`)) {
      process.stdout.write(`bot> ${message.body}\n`);
      after = Math.max(after, message.index);
      lastReplyAt = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (lastReplyAt === undefined) process.stdout.write('  (no reply: the number may have opted out, or check the service log)\n');
  return after;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
