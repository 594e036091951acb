import { extractEntities } from './entities.ts';
import type { Intent, Recognition, RecognizeOptions, Recognizer } from './recognizer.ts';

// The simplest honest recogniser: weighted patterns per intent, no network, no model. A message
// takes the intent of its strongest match; ties go to the rule listed first.

interface Rule {
  intent: Intent;
  pattern: RegExp;
  /** How sure a match of this pattern makes us, 0..1. */
  weight: number;
}

const RULES: Rule[] = [
  { intent: 'optout', pattern: /^\s*(stop|unsubscribe|stop all|stopall|opt ?out)\s*[.!]*\s*$/i, weight: 0.99 },
  { intent: 'agent.request', pattern: /\b(agent|human|real person|representative|rep|operator|someone (real|to talk)|talk to (a |an )?(person|someone))\b/i, weight: 0.9 },
  { intent: 'ticket.status', pattern: /\bTT[-\s]?\d+\b/i, weight: 0.93 },
  { intent: 'ticket.status', pattern: /\b(status|update|progress|news|any word|what'?s happening|follow ?up)\b.*\b(ticket|fault|repair|report|complaint|technician)\b|\b(ticket|fault|repair|report|complaint)\b.*\b(status|update|progress|fixed yet)\b/i, weight: 0.92 },
  { intent: 'order.status', pattern: /\bORD[-\s]?\d+\b/i, weight: 0.93 },
  { intent: 'order.status', pattern: /\b(status|where|track|when|update)\b.*\b(order|delivery|install(ation)?|activation)\b|\border\b.*\b(status|arrive|shipped|ready)\b/i, weight: 0.85 },
  {
    intent: 'ticket.create',
    pattern: /\b(down|not working|doesn'?t work|isn'?t working|won'?t (work|connect|load)|no (internet|signal|service|connection|dial ?tone|picture|sound)|keeps? (dropping|disconnecting|cutting out|buffering)|drop(s|ping)? out|slow|outage|broken|dead|ded|fault|cant connect|can'?t (connect|get online|call|make calls|get a signal)|frozen|pixelat\w*|intermittent|offline|stopped working)\b/i,
    weight: 0.88,
  },
  { intent: 'bill.dispute', pattern: /\b(dispute|overcharged|over ?charged|wrong(ly)? (charged|charge|bill)|charged (me )?twice|double charged|refund|credit back|didn'?t (order|use)|shouldn'?t (be|have been) charged)\b/i, weight: 0.88 },
  { intent: 'bill.inquiry', pattern: /\b(bill|invoice|balance|how much (do i|i) owe|amount due|due date|payment due|charges?|statement)\b/i, weight: 0.8 },
  { intent: 'service.cancel', pattern: /\b(cancel|terminate|disconnect|close)\b.*\b(service|account|contract|plan|subscription|internet|tv|mobile|line)\b|\b(switch(ing)? to|leaving|leave you|moving to) (another|a different|[A-Z]\w+)\b/i, weight: 0.85 },
  { intent: 'order.create', pattern: /\b(i want|i'?d like|sign me up|order|buy|purchase|add|upgrade|get)\b.*\b(plan|package|add-?on|gig|fiber|unlimited|sports|movies|line|tv|internet|mobile|extender|data)\b/i, weight: 0.8 },
  { intent: 'product.info', pattern: /\b(offers?|deals?|plans?|packages?|prices?|pricing|what do you (have|offer)|how much (is|does)|promotions?)\b/i, weight: 0.72 },
  { intent: 'profile.update', pattern: /\b(change|update|new|correct)\b.*\b(email|address|e-mail|contact|details|preferences?|paperless)\b/i, weight: 0.85 },
  { intent: 'profile.view', pattern: /\b(my (details|profile|account info|information)|what (email|address) do you have|details on file)\b/i, weight: 0.82 },
  { intent: 'help', pattern: /^\s*(help|info|menu|options|\?)\s*[.!?]*\s*$|\bwhat can you do\b|\bhow does this work\b/i, weight: 0.9 },
  { intent: 'thanks', pattern: /\b(thanks|thank you|thx|ty|cheers|appreciate it)\b/i, weight: 0.85 },
  { intent: 'goodbye', pattern: /^\s*(bye|goodbye|good bye|see ya|see you|later|cya|that'?s all|that is all)\b/i, weight: 0.85 },
  { intent: 'greeting', pattern: /^\s*(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|howdy)\b[\s!.,]*(there)?[\s!.,]*$/i, weight: 0.9 },
  { intent: 'affirm', pattern: /^\s*(y|yes|yeah|yep|yup|sure|ok|okay|correct|right|confirm|please do|go ahead|do it|that'?s right|absolutely|definitely)\b[\s!.,]*(please)?[\s!.]*$/i, weight: 0.95 },
  { intent: 'deny', pattern: /^\s*(n|no|nope|nah|not really|wrong|incorrect|don'?t|do not)\b[\s!.,]*(thanks|thank you)?[\s!.]*$/i, weight: 0.95 },
];

export class KeywordRecognizer implements Recognizer {
  async recognize(text: string, options: RecognizeOptions = {}): Promise<Recognition> {
    const entities = extractEntities(text, options.referenceDate);
    let best: Rule | undefined;
    for (const rule of RULES) {
      if ((!best || rule.weight > best.weight) && rule.pattern.test(text)) best = rule;
    }
    return {
      text,
      intent: best?.intent ?? 'none',
      confidence: best?.weight ?? 0.3,
      entities,
    };
  }
}
