import { MessageFactory } from 'botbuilder-core';
import type { Activity, TurnContext } from 'botbuilder-core';
import { getTurnInfo } from './turn-info.ts';

// Quick replies. A dialog offers choices as suggested actions on the activity: web chat shows them
// as buttons (a tap sends the choice's text back), SMS numbers them after the text
// ("Which one? 1) Internet 2) TV"). Answers are read back by pickChoice, which takes either.

/** A message with quick-reply choices (each choice's text is also what a tap sends back). */
export function withChoices(text: string, choices: readonly string[]): Partial<Activity> {
  return MessageFactory.suggestedActions([...choices], text);
}

const ORDINALS: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5, last: -1 };

/**
 * Which choice an answer picks, as a 0-based index: by its number ("2", "2)", "#2", "the second"),
 * by its whole text (any case), or by a word or phrase that appears in exactly one choice.
 */
export function pickChoice(answer: string, choices: readonly string[]): number | undefined {
  const text = answer.trim().toLowerCase().replace(/[.!?]+$/, '');
  if (text.length === 0 || choices.length === 0) return undefined;
  const number = /^(?:#|no\.?\s*|number\s*|option\s*)?(\d{1,2})\s*\)?$/.exec(text);
  if (number?.[1]) {
    const index = Number(number[1]) - 1;
    return index >= 0 && index < choices.length ? index : undefined;
  }
  const ordinal = /^(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)(?:\s+one)?$/.exec(text);
  if (ordinal?.[1]) {
    const position = ORDINALS[ordinal[1]] ?? 0;
    const index = position === -1 ? choices.length - 1 : position - 1;
    return index < choices.length ? index : undefined;
  }
  const exact = choices.findIndex((choice) => choice.toLowerCase() === text);
  if (exact >= 0) return exact;
  const containing = choices.flatMap((choice, index) => (choice.toLowerCase().includes(text) && text.length >= 2 ? [index] : []));
  if (containing.length === 1) return containing[0];
  return undefined;
}

export const YES_NO: readonly string[] = ['Yes', 'No'];

/**
 * A yes or no to a question asked with YES_NO: the yes or no the reply opens with ("ok sure ill
 * take the discount", "no i still want to cancel"), the recognised intent, or the choice's number or text.
 */
export function yesOrNo(context: TurnContext): 'yes' | 'no' | undefined {
  const info = getTurnInfo(context);
  if (info.recognition.answer) return info.recognition.answer;
  if (info.recognition.intent === 'affirm') return 'yes';
  if (info.recognition.intent === 'deny') return 'no';
  const picked = pickChoice(context.activity.text ?? '', YES_NO);
  return picked === 0 ? 'yes' : picked === 1 ? 'no' : undefined;
}
