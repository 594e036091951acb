// Turns what customers type (SMS spelling, contractions, emoji, reference numbers) into the
// lower-case word tokens the intent classifier learns from. Values that vary per message
// (references, amounts, emails, phone numbers, plain numbers) become one placeholder each, so
// "TT-100001" and "tt 55" teach the same thing.

import { referencePattern } from '../domain/references.ts';

const PLACEHOLDERS: Array<{ pattern: RegExp; token: string }> = [
  { pattern: new RegExp(String.raw`\b${referencePattern('ticket')}\b`, 'gi'), token: ' refticket ' },
  { pattern: new RegExp(String.raw`\b${referencePattern('order')}\b`, 'gi'), token: ' reforder ' },
  { pattern: new RegExp(String.raw`\b${referencePattern('bill')}\b`, 'gi'), token: ' refbill ' },
  { pattern: new RegExp(String.raw`\b${referencePattern('adjustment')}\b`, 'gi'), token: ' refadjust ' },
  { pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, token: ' emailaddr ' },
  { pattern: /(?<![\w-])\+?\d[\d\s().-]{8,16}\d\b/g, token: ' phonenum ' },
  { pattern: /[$£€]\s?\d[\d,]*(?:\.\d{1,2})?|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars?|usd|bucks)\b/gi, token: ' moneyamt ' },
];

const EMOJI: Array<{ pattern: RegExp; token: string }> = [
  { pattern: /👍|👌|✅|✔️?/gu, token: ' yes ' },
  { pattern: /👎|❌/gu, token: ' no ' },
  { pattern: /🙏|❤️?|😍|🥰/gu, token: ' thanks ' },
  { pattern: /👋/gu, token: ' hi ' },
  { pattern: /\p{Extended_Pictographic}/gu, token: ' emoji ' },
];

// SMS spellings and contractions, by token. Only unambiguous ones: the character n-grams and the
// spelling corrector deal with the rest.
const WORDS: Record<string, string> = {
  u: 'you',
  ur: 'your',
  r: 'are',
  pls: 'please',
  plz: 'please',
  plse: 'please',
  pleas: 'please',
  thx: 'thanks',
  thnx: 'thanks',
  thanx: 'thanks',
  tnx: 'thanks',
  tks: 'thanks',
  ty: 'thank you',
  tysm: 'thank you so much',
  msg: 'message',
  msgs: 'messages',
  txt: 'text',
  txts: 'texts',
  txting: 'texting',
  wat: 'what',
  wot: 'what',
  wut: 'what',
  wht: 'what',
  whats: 'what is',
  wats: 'what is',
  wheres: 'where is',
  whens: 'when is',
  hows: 'how is',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  isnt: 'is not',
  arent: 'are not',
  wasnt: 'was not',
  havent: 'have not',
  hasnt: 'has not',
  cant: 'can not',
  cannot: 'can not',
  wont: 'will not',
  aint: 'is not',
  shouldnt: 'should not',
  couldnt: 'could not',
  im: 'i am',
  ive: 'i have',
  youre: 'you are',
  thats: 'that is',
  theres: 'there is',
  '2day': 'today',
  '2moro': 'tomorrow',
  '2morrow': 'tomorrow',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  b4: 'before',
  l8r: 'later',
  gr8: 'great',
  bc: 'because',
  cuz: 'because',
  coz: 'because',
  cos: 'because',
  bcoz: 'because',
  acct: 'account',
  acc: 'account',
  accnt: 'account',
  amt: 'amount',
  pymt: 'payment',
  pmt: 'payment',
  ded: 'dead',
  wiv: 'with',
  wif: 'with',
  ppl: 'people',
  sum1: 'someone',
  some1: 'someone',
  any1: 'anyone',
  hv: 'have',
  hav: 'have',
  cud: 'could',
  shud: 'should',
  wud: 'would',
  gonna: 'going to',
  wanna: 'want to',
  gotta: 'got to',
  gimme: 'give me',
  lemme: 'let me',
  okay: 'ok',
  okey: 'ok',
  okie: 'ok',
  kk: 'ok',
  k: 'ok',
  thru: 'through',
  tho: 'though',
  rly: 'really',
  srsly: 'seriously',
  telly: 'tv',
  television: 'tv',
  wifi: 'wifi',
  wify: 'wifi',
  broadband: 'broadband',
  fibre: 'fiber',
  cancellation: 'cancellation',
  cancle: 'cancel',
  cancell: 'cancel',
  adress: 'address',
  addres: 'address',
  rep: 'representative',
  reps: 'representatives',
};

// A lone "y"/"n" is yes/no; "y is ..." at the start is "why is ...".
const WHY_FOLLOWERS = new Set(['is', 'are', 'r', 'does', 'do', 'did', 'was', 'am', 'cant', 'wont', 'has', 'have', 'isnt', 'my', 'the']);

/** Lower-case word tokens (plus "?") of an utterance, with SMS spelling and placeholders applied. */
export function normalizeTokens(text: string): string[] {
  let s = text.normalize('NFKC').replace(/[‘’ʼ`´]/g, "'").replace(/[“”]/g, '"');
  for (const { pattern, token } of PLACEHOLDERS) s = s.replace(pattern, token);
  for (const { pattern, token } of EMOJI) s = s.replace(pattern, token);
  s = s.toLowerCase();
  s = s.replace(/\bwi[-\s]fi\b/g, 'wifi').replace(/\be-mail\b/g, 'email').replace(/\bset[-\s]top\b/g, 'settop');
  s = s.replace(/n't\b/g, ' not').replace(/\bcan not\b/g, 'can not').replace(/'re\b/g, ' are').replace(/'ve\b/g, ' have');
  s = s.replace(/'ll\b/g, ' will').replace(/'m\b/g, ' am').replace(/'d\b/g, ' would').replace(/'s\b/g, ' is');
  s = s.replace(/\bwo not\b/g, 'will not').replace(/\bca not\b/g, 'can not');
  const raw = s.match(/[a-z0-9]+|\?/g) ?? [];
  const tokens: string[] = [];
  raw.forEach((token, index) => {
    if (token === 'y' && raw.length === 1) tokens.push('yes');
    else if (token === 'n' && raw.length === 1) tokens.push('no');
    else if (token === 'y' && index === 0 && WHY_FOLLOWERS.has(raw[1] ?? '')) tokens.push('why');
    else if (/^\d+$/.test(token)) tokens.push(token.length <= 2 ? token : 'num');
    else {
      const mapped = WORDS[token];
      if (mapped) tokens.push(...mapped.split(' '));
      else tokens.push(squeezeRepeats(token));
    }
  });
  return tokens;
}

/** "sooooo" → "soo", "helloooo" → "helloo": repeated letters beyond two carry no meaning. */
function squeezeRepeats(token: string): string {
  return token.replace(/([a-z])\1{2,}/g, '$1$1');
}

/** Splits a message into sentences, for messages that say hello first and ask later. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((part) => part.trim())
    .filter((part) => /[a-z0-9]/i.test(part));
}
