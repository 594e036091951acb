// What the person taking over should know about how the customer said it: upset, and what else
// they raised. One rule for every channel (a text handoff in dialogs/, a call in src/channels/voice).

// Signs of an upset customer: shouting, repeated marks, and the words people use when fed up.
const UPSET_WORDS =
  /\b(useless|ridiculous|joke|terrible|worst|awful|horrible|pathetic|unacceptable|disgusting|fed up|sick of|tired of|wtf|ffs|angry|furious|frustrat\w*|fuming|livid|rubbish|garbage|incompetent|hopeless|every time|nobody (answers|helps|cares)|no one (answers|helps|cares)|for (a|one|two|2|3|three) weeks?|been trying)\b/i;

/** Whether the message sounds upset: two shouted words, "!!", or words of frustration. */
export function soundsUpset(text: string): boolean {
  // A shouted word in an otherwise lower-case message; references and acronyms are not shouting.
  const shouted = (text.match(/\b[A-Z]{3,}\b/g) ?? []).some((word) => !/^(ORD|INV|ADJ|SMS|USD|ISP|APP|ASAP|WIFI|DSL|SIM|OTP)$/.test(word));
  return (shouted && /[a-z]/.test(text)) || /!{2,}|\?{3,}/.test(text) || UPSET_WORDS.test(text);
}

// What else a message raised, as the person taking over should read it.
const TOPICS: ReadonlyArray<{ topic: string; said: string; label: string; pattern: RegExp }> = [
  { topic: 'bill.dispute', said: 'that your bill is wrong', label: 'a wrong bill', pattern: /\b(bill|charge|charged|invoice)\b[^.!?]*\b(wrong|incorrect|mistake|too (high|much)|overcharg\w*|double|twice)\b|\bovercharg\w*|\b(wrong|incorrect)\b[^.!?]*\b(bill|charge)\b/i },
  { topic: 'ticket.create', said: 'the fault with your service', label: 'a fault with their service', pattern: /\b(down|not working|doesn'?t work|keeps dropping|dropping|no (signal|internet|service|connection)|broken|outage|slow)\b/i },
  { topic: 'service.cancel', said: 'that you want to cancel', label: 'cancelling', pattern: /\b(cancel|leave|leaving|switch(ing)? provider|terminate)\b/i },
];

/** What else the message raised: the topic (an intent name), as said to the customer, and as said to an agent. */
export function raisedTopics(recognition: { text: string }): Array<{ topic: string; said: string; label: string }> {
  return TOPICS.filter(({ pattern }) => pattern.test(recognition.text)).map(({ topic, said, label }) => ({ topic, said, label }));
}

/** What the person taking over reads first. */
export function agentNote(text: string, upset: boolean, raised: ReadonlyArray<{ topic: string; said: string }>): string {
  const parts = [upset ? 'Customer is upset.' : '', raised.length > 0 ? `Raised: ${raised.map(({ topic }) => topic).join(', ')}.` : '', `Their words: "${text.trim().slice(0, 400)}"`];
  return parts.filter(Boolean).join(' ');
}

/** The note for the packet (`collected.note`), or null when the words were neither upset nor raised anything. */
export function handoffNote(text: string): string | null {
  const upset = soundsUpset(text);
  const raised = raisedTopics({ text });
  return upset || raised.length > 0 ? agentNote(text, upset, raised) : null;
}
