import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { z } from 'zod';
import { loadConfig } from '../app/config/index.ts';
import { reachService } from './reach-service.ts';
import { outboundRelayFrame } from '../channels/voice/relay-messages.ts';
import { toE164 } from '../lib/phone.ts';
import { signTwilioRequest } from '../sandbox/twilio-signing.ts';

// `npm run call -- --from +15551230001`: a phone call with the bot in the terminal. It plays
// Twilio's part over the same ConversationRelay WebSocket a real call uses (the handshake signed
// as Twilio signs it): each typed line is a spoken prompt, `#123` keys 1, 2, 3 (then #), and the
// bot's words are printed as Twilio would speak them; in the sandbox, the texts sent to the
// caller's phone (the one-time code) are printed too. It uses the service at --url when one is
// running there, and otherwise starts one in this process.

const USAGE = 'Usage: npm run call -- --from +15551230001 [--url http://localhost:3000]   (type to speak, #1 to key 1, /quit to hang up)';
const handoff = z.object({ reasonCode: z.string(), reason: z.string().optional() });
const sandboxTexts = z.object({ messages: z.array(z.object({ index: z.number(), body: z.string() })) });

/**
 * Prints the texts the sandbox sends the caller's phone during the call (the one-time code that
 * proves who is calling) until stopped; with a real Twilio account there is no sandbox to ask.
 */
function watchTexts(url: string, to: string): () => void {
  let after: number | undefined;
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const response = await fetch(`${url}/dev/twilio/messages?to=${encodeURIComponent(to)}&after=${after ?? -1}`).catch(() => undefined);
      if (!response?.ok) return;
      const { messages } = sandboxTexts.parse(await response.json());
      // Texts from before the call are not news.
      if (after !== undefined) for (const message of messages) process.stdout.write(`\n(text to your phone) ${message.body}\nyou> `);
      after = messages.reduce((max, message) => Math.max(max, message.index), after ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void poll().catch(() => undefined);
  return () => {
    stopped = true;
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const from = values.from ? toE164(values.from) : undefined;
  if (!from) throw new Error(`--from needs a phone number. ${USAGE}`);

  const config = loadConfig();
  const baseUrl = (values.url ?? config.http.publicBaseUrl).replace(/\/+$/, '');
  const { url, publicBaseUrl, service } = await reachService(config, baseUrl);

  const path = '/twilio/voice/relay';
  const signature = signTwilioRequest(config.twilio.authToken, `${publicBaseUrl.replace(/^http/, 'ws')}${path}`, {});
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, { headers: { 'X-Twilio-Signature': signature } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`The socket refused the call (${response.statusCode}); is TWILIO_AUTH_TOKEN the service's?`)));
    socket.once('error', reject);
  });
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const stopTexts = watchTexts(url, from);
  let spoken = '';
  let heard: () => void = () => undefined;
  socket.on('message', (raw) => {
    const frame = outboundRelayFrame.safeParse(JSON.parse(String(raw)));
    if (!frame.success) return;
    if (frame.data.type === 'text') {
      spoken += frame.data.token;
      if (frame.data.last) {
        process.stdout.write(`\nbot> ${spoken.trim()}\nyou> `);
        spoken = '';
        heard();
      }
    } else if (frame.data.type === 'end') {
      const data = handoff.safeParse(JSON.parse(frame.data.handoffData ?? '{}'));
      process.stdout.write(data.success && data.data.reasonCode === 'live-agent-handoff' ? `\n(handed to a person: ${data.data.reason ?? ''}; on a real call Twilio puts you through now)\n` : '\n(the bot hung up)\n');
      socket.close();
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.send(JSON.stringify({ type: 'setup', sessionId: `VX${randomBytes(16).toString('hex')}`, callSid, from, to: config.twilio.phoneNumber, direction: 'inbound', callType: 'PSTN', callStatus: 'IN-PROGRESS', customParameters: {} }));
  process.stdout.write(`Calling ${config.operator.name} as ${from}. Type to speak, #1 to press 1, /quit to hang up.\n`);

  // The greeting first, as on a phone.
  await Promise.race([new Promise<void>((resolve) => (heard = resolve)), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
  try {
    const lines = rl[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([lines.next(), closed.then(() => undefined)]);
      if (!next || next.done || next.value.trim() === '/quit') break;
      const line = next.value.trim();
      if (!process.stdin.isTTY) process.stdout.write(`${line}\n`);
      if (/^#[0-9*#]+$/.test(line)) {
        for (const digit of `${line.slice(1)}${line.length > 2 ? '#' : ''}`) socket.send(JSON.stringify({ type: 'dtmf', digit }));
      } else if (line) {
        socket.send(JSON.stringify({ type: 'prompt', voicePrompt: line, lang: 'en-US', last: true }));
      }
      // Piped input: let the bot answer each line before the next (a person would).
      if (!process.stdin.isTTY) await Promise.race([new Promise<void>((resolve) => (heard = resolve)), new Promise((resolve) => setTimeout(resolve, 15_000)), closed]);
    }
  } finally {
    stopTexts();
    rl.close();
    socket.close();
    await service?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
