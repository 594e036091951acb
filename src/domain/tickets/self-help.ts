import type { ServiceType } from '../../generated/prisma/client.ts';

// The one self-help step worth suggesting before a technician is sent, per service: the step
// that clears the most common faults of that kind (a restart clears most home-equipment faults).

export interface SelfHelpStep {
  /** Short code, recorded with the outcome. */
  code: string;
  /** The instruction, in one or two short sentences. */
  instruction: string;
}

const STEPS: Record<ServiceType, SelfHelpStep> = {
  internet: {
    code: 'restart-router',
    instruction: 'Restarting the router fixes many problems: unplug it for 30 seconds, plug it back in and wait 2 minutes.',
  },
  tv: {
    code: 'restart-set-top-box',
    instruction: 'Restarting the TV box often helps: unplug it for 30 seconds, plug it back in and wait for the picture.',
  },
  mobile: {
    code: 'restart-phone',
    instruction: 'Restarting your phone often helps, or turning airplane mode on for 10 seconds and off again.',
  },
  landline: {
    code: 'check-handset-cable',
    instruction: 'Please check the cable from the phone to the wall socket is pushed in firmly, and the base has power.',
  },
};

/** The customer already tried it, or the fault is physical damage no restart can fix. */
const NOT_WORTH_IT = /\b(restart\w*|reboot\w*|re-?started|unplugg?\w*|plugged|power ?cycl\w*|turned (it )?off and on|tried everything|airplane mode|cable (is )?(cut|damaged|broken)|(line|wire|pole) (is )?(down|cut|damaged)|damaged|storm|fire|flood\w*|water)\b/i;

/** The self-help step to offer for this fault, or undefined where it would not help. */
export function selfHelpStepFor(serviceType: ServiceType, description: string | undefined): SelfHelpStep | undefined {
  if (description && NOT_WORTH_IT.test(description)) return undefined;
  return STEPS[serviceType];
}

export type SelfHelpAnswer = 'fixed' | 'notFixed' | 'skipped';

const SKIPPED = /\b(skip|already (did|done|tried|restarted|rebooted|checked)|(did|done|tried) (that|it|this)( already)?|not now|later|can'?t (do|try) (that|it)( now)?)\b/i;
const NOT_FIXED = /\b(no|nope|nah|not|still|didn'?t|doesn'?t|don'?t|isn'?t|won'?t|same|nothing|worse)\b/i;
const FIXED = /\b(yes|yep|yeah|yup|fixed|works?|working|back( on)?|sorted|resolved|that did it|all good|good now|fine now|ok now)\b/i;

/**
 * What the customer's answer to "did that fix it?" means: a skip or "already did" carries on with
 * the report like a "no"; any negation wins over a positive word ("no, still not working").
 */
export function readSelfHelpAnswer(answer: string): SelfHelpAnswer | undefined {
  const text = answer.trim();
  if (SKIPPED.test(text)) return 'skipped';
  if (NOT_FIXED.test(text)) return 'notFixed';
  if (FIXED.test(text)) return 'fixed';
  return undefined;
}
