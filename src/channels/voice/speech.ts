// Replies rendered for the ear: references read in digit groups ("T T, one zero zero, zero zero
// one"), amounts and dates in words, short sentences, and every choice offered by voice and by
// keypad ("say billing or press 1"). And the way back: a key press mapped to the choice it names.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_ONES: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

/** 0 … 999,999,999,999 in English words ("one thousand two hundred thirty-four"). */
export function numberToWords(value: number): string {
  if (!Number.isInteger(value) || value < 0) throw new Error(`Not a whole number: ${value}`);
  if (value < 20) return ONES[value] ?? '';
  if (value < 100) return `${TENS[Math.floor(value / 10)]}${value % 10 ? `-${ONES[value % 10]}` : ''}`;
  if (value < 1000) return `${ONES[Math.floor(value / 100)]} hundred${value % 100 ? ` ${numberToWords(value % 100)}` : ''}`;
  for (const [size, name] of [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']] as const) {
    if (value >= size) return `${numberToWords(Math.floor(value / size))} ${name}${value % size ? ` ${numberToWords(value % size)}` : ''}`;
  }
  return String(value);
}

/** 1 → "first", 22 → "twenty-second". */
export function ordinalWords(value: number): string {
  const words = numberToWords(value);
  return words.replace(/(\w+)$/, (last) => ORDINAL_ONES[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`));
}

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Digits read one by one in groups of three: "100001" → "one zero zero, zero zero one". */
export function digitGroups(digits: string): string {
  const groups: string[] = [];
  for (let index = 0; index < digits.length; index += 3) {
    groups.push([...digits.slice(index, index + 3)].map((digit) => DIGIT_WORDS[Number(digit)] ?? digit).join(' '));
  }
  return groups.join(', ');
}

/** "TT-100001" → "T T, one zero zero, zero zero one". */
export function speakReference(prefix: string, digits: string): string {
  return `${[...prefix.toUpperCase()].join(' ')}, ${digitGroups(digits)}`;
}

/** "$1,234.50" → "one thousand two hundred thirty-four dollars and fifty cents". */
export function speakDollars(amount: string): string {
  const [whole = '0', cents = '00'] = amount.replace(/,/g, '').split('.');
  const dollars = Number(whole);
  const centsValue = Number(cents.padEnd(2, '0').slice(0, 2));
  const dollarWords = `${numberToWords(dollars)} ${dollars === 1 ? 'dollar' : 'dollars'}`;
  if (centsValue === 0) return dollarWords;
  const centWords = `${numberToWords(centsValue)} ${centsValue === 1 ? 'cent' : 'cents'}`;
  return dollars === 0 ? centWords : `${dollarWords} and ${centWords}`;
}

const WEEKDAYS: Record<string, string> = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' };
const MONTHS: Record<string, string> = {
  Jan: 'January', Feb: 'February', Mar: 'March', Apr: 'April', May: 'May', Jun: 'June',
  Jul: 'July', Aug: 'August', Sep: 'September', Oct: 'October', Nov: 'November', Dec: 'December',
};
const MONTH_NAMES = Object.values(MONTHS);

/** Text as the bot writes it, made to be heard. */
export function toSpeech(text: string): string {
  return (
    text
      // References: TT-100001, ORD-100001, ADJ-…, INV-… in digit groups.
      .replace(/\b(TT|ORD|ADJ|INV)-(\d+)\b/gi, (_match, prefix: string, digits: string) => speakReference(prefix, digits))
      // Money: "-$10.00", "$1,234.50".
      .replace(/(-)?\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?/g, (_match, minus: string | undefined, whole: string, cents: string | undefined) =>
        `${minus ? 'minus ' : ''}${speakDollars(`${whole}.${cents ?? '00'}`)}`,
      )
      // Dates as the bot formats them: "Tue, Dec 1", "Dec 1, 2026", ISO "2026-12-01".
      .replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (_match, year: string, month: string, day: string) => `${MONTH_NAMES[Number(month) - 1] ?? month} ${ordinalWords(Number(day))}, ${year}`)
      .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? /g, (_match, day: string) => `${WEEKDAYS[day] ?? day}, `)
      .replace(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? (\d{1,2})\b(?!:)/g, (_match, month: string, day: string) => `${MONTHS[month] ?? month} ${ordinalWords(Number(day))}`)
      .replace(/(\d{1,2}):00 ?(AM|PM)/g, '$1 $2')
      // Prices per month as written ("$50.00/mo", already in words here).
      .replace(/\/mo\b/g, ' a month')
      // Web addresses without their scheme ("support.example.com"); the last four digits of a number one by one.
      .replace(/\bhttps?:\/\/([^\s/]+)(\/\S*?)?(?=[.,;!?]?(\s|$))/gi, (_match, host: string, path: string | undefined) => `${host}${path && path !== '/' ? path : ''}`)
      .replace(/\b(ending|ends in|ending in) (\d{2,4})\b/g, (_match, words: string, digits: string) => `${words} ${[...digits].map((digit) => DIGIT_WORDS[Number(digit)] ?? digit).join(' ')}`)
      // Written-channel wording.
      .replace(/\s*\(yes\/no\)/gi, ' Press 1 or say yes. Press 2 or say no.')
      .replace(/\breply with\b/gi, 'say')
      .replace(/\b[Rr]eply\b/g, (word) => (word === 'Reply' ? 'Say' : 'say'))
      .replace(/\be\.g\.\s*/gi, 'for example ')
      // Lines and bullets become sentences.
      .replace(/([.:?!])?\s*\n+\s*[-•*]?\s*/g, (_match, stop: string | undefined) => (stop ? `${stop} ` : '. '))
      .replace(/\.\s*\./g, '.')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}

const YES = /^(yes|yeah|yep|ok|okay|sure|confirm)$/i;
const NO = /^(no|nope|cancel)$/i;

/** How the choices are offered: "Press 1 or say yes. Press 2 or say no." or "Say billing or press 1, say …". */
export function speakChoices(actions: readonly string[]): string {
  const offered = actions.slice(0, 9);
  if (offered.length === 0) return '';
  if (offered.some((action) => YES.test(action.trim()) || NO.test(action.trim()))) {
    return offered.map((action, index) => `Press ${index + 1} or say ${action.toLowerCase()}.`).join(' ');
  }
  const said = offered.map((action, index) => `say ${toSpeech(action)} or press ${index + 1}`).join(', ');
  return `${said.charAt(0).toUpperCase()}${said.slice(1)}.`;
}

/** A reply as the caller hears it: the text for the ear, then its choices by voice and keypad. */
export function renderForEar(reply: { text: string; suggestedActions?: readonly string[] | undefined }): string {
  const spoken = toSpeech(reply.text);
  const choices = speakChoices(reply.suggestedActions ?? []);
  return choices ? `${spoken} ${choices}` : spoken;
}

/** The choice a key names in the last prompt ("1" → its first choice), if any. */
export function choiceForKey(digits: string, actions: readonly string[]): string | undefined {
  if (!/^[1-9]$/.test(digits)) return undefined;
  return actions[Number(digits) - 1];
}

/** The last prompt asks for a one-time code: a spoken or keyed answer to it is a secret. */
export function asksForCode(promptText: string | undefined): boolean {
  return promptText !== undefined && /\bcode\b/i.test(promptText);
}

// "to" and "for" are left out: they are words far more often than misheard digits.
const SPOKEN_DIGITS: Record<string, string> = { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };

/**
 * Digits in a spoken answer, 4 to 8 of them: "123456", "123 456", "one two three four five six"
 * (speech-to-text writes either), "my code is 1 2 3, four five six", "double four" as two.
 */
export function codeInSpeech(text: string): string | undefined {
  const words = text.toLowerCase().replace(/[,.!?-]/g, ' ').split(/\s+/).filter(Boolean);
  // The longest run of words that are all digits or digit words, read as one number.
  let best = '';
  let run = '';
  let doubled = 1;
  for (const word of words) {
    if (word === 'double' || word === 'triple') {
      doubled = word === 'double' ? 2 : 3;
      continue;
    }
    const digits = /^\d+$/.test(word) ? word : SPOKEN_DIGITS[word];
    if (digits === undefined) {
      run = '';
      doubled = 1;
      continue;
    }
    run += digits.repeat(digits.length === 1 ? doubled : 1);
    doubled = 1;
    if (run.length > best.length) best = run;
  }
  return /^\d{4,8}$/.test(best) ? best : undefined;
}

/** What the contact log and the logs keep instead of a code or keyed digits. */
export function maskedDigits(digits: string): string {
  return `[${digits.length} digits withheld]`;
}

/**
 * Sentences, so the first one can be spoken while the rest follow (ConversationRelay text tokens).
 * A sentence ends at a stop followed by a space or the end: the dots in "support.example.com" or
 * "4.5" are not sentence ends.
 */
export function sentences(text: string): string[] {
  const parts = text.split(/(?<=[.!?])\s+/).filter((part) => part.length > 0);
  if (parts.length === 0) return [text];
  return parts.map((part, index) => (index < parts.length - 1 ? `${part} ` : part));
}

/** Recognition hints for speech: the catalog's offer names, words of this product, the prompt's choices. */
export function speechHints(catalogNames: readonly string[], choices: readonly string[] = []): string {
  const words = [...choices, ...catalogNames, 'eSIM', 'agent', 'billing', 'T T', 'O R D', 'A D J', 'resend'];
  return [...new Set(words.map((word) => word.replace(/,/g, ' ').trim()).filter((word) => word.length > 0))].join(',').slice(0, 2000);
}
