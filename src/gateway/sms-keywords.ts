// Carrier-required SMS keywords (CTIA; Twilio's defaults). They run before any dialog, alone in
// the message, in any case.

export type SmsKeyword = 'optout' | 'optin' | 'help';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

// Revocation of consent in plain words: under the FCC's 2024 rules a revocation "by any reasonable
// means" must be honoured like STOP. Only clear wording about texts to this number; wording that
// may mean only promotions ("no more offers") is left to the bot, which asks.
const SMS_WORDS = String.raw`(?:text(?:s|ing)?|txt(?:s|ing)?|messag(?:e|es|ing)|sms(?:es|ing)?|msgs?)`;
const REVOCATION = new RegExp(
  [
    String.raw`^(?:please |pls |plz |can you |can u |could you |just )*(?:stop|quit|cease) (?:${SMS_WORDS}|sending (?:me )?(?:any (?:more )?)?${SMS_WORDS})(?: (?:me|this number|my (?:phone|number)))?(?: (?:please|pls|plz|now|already|anymore|any ?more|again|thanks|thx|ok))*$`,
    String.raw`^(?:please |pls |plz )*(?:do not|don'?t|dont|never) (?:${SMS_WORDS}|contact|message) (?:me|this number)(?: (?:again|anymore|any ?more|ever|please|pls))*$`,
    String.raw`^(?:please |pls |plz )*(?:unsubscribe|remove|take|opt) (?:me|this number|my number)(?: (?:out|off|from))?(?: (?:your|the|all|this)(?: (?:list|lists|texts|messages|sms)))?(?: (?:please|pls|plz|now|thanks))*$`,
    String.raw`^(?:please |pls |plz )*no more ${SMS_WORDS}(?: (?:at all|of any kind|from you|to this number))+(?: (?:please|pls|plz))*$`,
  ].join('|'),
  'i',
);

/** Whether the message revokes consent to texts in plain words ("Stop texting me pls"). */
export function isPlainRevocation(text: string): boolean {
  const words = text.trim().toLowerCase().replace(/[’']/g, "'").replace(/[.!,]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words.split(' ').length <= 10 && REVOCATION.test(words);
}

/**
 * The keyword a message is, if it is one; a plain-words revocation is an opt-out too. YES opts
 * back in only for a number that opted out.
 */
export function classifySmsKeyword(text: string, optedOut: boolean): SmsKeyword | undefined {
  const word = text.trim().replace(/[.!]+$/, '').trim().toUpperCase();
  if (OPT_OUT.has(word) || isPlainRevocation(text)) return 'optout';
  if (OPT_IN.has(word) || (optedOut && word === 'YES')) return 'optin';
  if (HELP.has(word)) return 'help';
  return undefined;
}

/**
 * What the opt-out confirmation adds when the carrier keyword may have meant something else: a lone
 * CANCEL in the middle of an order unsubscribes (the carrier's rule), and the customer is told how
 * to get back to the order.
 */
export function optOutAfterthought(text: string, botState: unknown): string | undefined {
  if (text.trim().replace(/[.!]+$/, '').trim().toUpperCase() !== 'CANCEL') return undefined;
  const state = JSON.stringify(botState ?? null);
  if (state.includes('"orderDialog"')) return 'If you meant to cancel your order, reply START and then say never mind.';
  if (/"dialogStack":\[\{/.test(state)) return 'If you meant to cancel what we were doing, reply START and then say never mind.';
  return undefined;
}

/** Replies that must reach a number even after it opted out (the confirmation, and HELP). */
export const CONSENT_REPLY_REASONS = new Set(['consent.optout', 'consent.help']);
