import { Router } from 'express';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface VoiceDemoRoutesOptions {
  ourNumber: string;
  operatorName: string;
}

const PAGE = readFileSync(new URL('./public/voice-demo.html', import.meta.url), 'utf8');

/**
 * The voice try-it page (/try/voice): plays Twilio's part over the ConversationRelay socket.
 * Mounted only in the sandbox (no Twilio account), where the socket takes unsigned handshakes
 * (VoiceSettings.allowUnsignedSockets; never in production): a browser cannot sign one.
 */
export function voiceDemoRoutes(options: VoiceDemoRoutesOptions): Router {
  const router = Router();
  const page = PAGE.replaceAll('{{operatorName}}', escapeHtml(options.operatorName)).replaceAll('{{ourNumber}}', escapeHtml(options.ourNumber));
  // The page's inline script and stylesheet are allowed by their hashes; it connects only to this origin (its WebSocket included).
  const policy = [
    "default-src 'none'",
    `script-src ${inlineHash(page, 'script')}`,
    `style-src ${inlineHash(page, 'style')}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  router.get('/try/voice', (_req, res) => {
    res.set('Content-Security-Policy', policy);
    res.type('html').send(page);
  });
  return router;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function inlineHash(page: string, tag: 'script' | 'style'): string {
  const content = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(page)?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(content).digest('base64')}'`;
}
