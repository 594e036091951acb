// Carrier-required SMS keywords (CTIA; Twilio's defaults). They run before any dialog, alone in
// the message, in any case.

export type SmsKeyword = 'optout' | 'optin' | 'help';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

/** The keyword a message is, if it is one. YES opts back in only for a number that opted out. */
export function classifySmsKeyword(text: string, optedOut: boolean): SmsKeyword | undefined {
  const word = text.trim().replace(/[.!]+$/, '').trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'optout';
  if (OPT_IN.has(word) || (optedOut && word === 'YES')) return 'optin';
  if (HELP.has(word)) return 'help';
  return undefined;
}

/** Replies that must reach a number even after it opted out (the confirmation, and HELP). */
export const CONSENT_REPLY_REASONS = new Set(['consent.optout', 'consent.help']);
