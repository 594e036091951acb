import { centsToDecimal, parseCents } from './money.ts';

// Which bill credits the bot may approve by itself. Pure: the adjustments service gathers the
// facts inside its transaction and records what this decides.

/** When the bot may approve a bill credit by itself (the ADJUSTMENT_* settings). Amounts are decimal strings, never floats. */
export interface AdjustmentPolicySettings {
  autoApproveLimit: string;
  autoApprovePerPeriod: number;
  periodDays: number;
  /** Above this amount the customer confirms with a one-time code. */
  otpThreshold: string;
}

export interface AdjustmentFacts {
  /** The credit asked for, in cents (> 0). */
  amountCents: bigint;
  /** The charge was found on the customer's bill (not merely described by them). */
  chargeOnBill: boolean;
  /** Credits the policy approved for this customer in the last `periodDays`. */
  policyApprovedInPeriod: number;
}

/** Why the policy decided as it did; the customer's reply is worded from this. */
export type AdjustmentDecisionCode = 'withinPolicy' | 'overLimit' | 'overPeriodCount' | 'chargeNotOnBill';

export interface AdjustmentDecision {
  status: 'approved' | 'pending';
  code: AdjustmentDecisionCode;
  /** For the staff who review it: recorded as the adjustment's decisionReason. */
  reason: string;
}

/** Who decided an approval the policy made (BillAdjustment.decidedBy). */
export const POLICY_DECIDER = 'policy';

/**
 * Approved at once when the charge is on the bill, the amount is at most the limit, and the
 * customer has had fewer than the allowed policy credits in the period; otherwise a person decides.
 */
export function decideAdjustment(facts: AdjustmentFacts, settings: AdjustmentPolicySettings): AdjustmentDecision {
  const limit = limitCents(settings.autoApproveLimit);
  if (!facts.chargeOnBill) {
    return { status: 'pending', code: 'chargeNotOnBill', reason: 'The disputed charge was not found on the bill: needs a person to check.' };
  }
  if (facts.amountCents > limit) {
    return {
      status: 'pending',
      code: 'overLimit',
      reason: `Amount ${centsToDecimal(facts.amountCents)} is above the auto-approval limit of ${centsToDecimal(limit)}.`,
    };
  }
  if (facts.policyApprovedInPeriod >= settings.autoApprovePerPeriod) {
    return {
      status: 'pending',
      code: 'overPeriodCount',
      reason: `The customer already had ${facts.policyApprovedInPeriod} credit(s) approved automatically in the last ${settings.periodDays} days (at most ${settings.autoApprovePerPeriod}).`,
    };
  }
  return {
    status: 'approved',
    code: 'withinPolicy',
    reason: `Approved automatically: ${centsToDecimal(facts.amountCents)} is within the limit of ${centsToDecimal(limit)}, credit ${facts.policyApprovedInPeriod + 1} of ${settings.autoApprovePerPeriod} in ${settings.periodDays} days.`,
  };
}

/** Whether a credit of this amount needs a one-time code first. */
export function needsOneTimeCode(amountCents: bigint, settings: AdjustmentPolicySettings): boolean {
  return amountCents > limitCents(settings.otpThreshold);
}

function limitCents(amount: string): bigint {
  const cents = parseCents(amount);
  // The configuration validates these as amounts; a bad one here is a programming error.
  if (cents === undefined) throw new Error(`Adjustment setting is not an amount: ${amount}`);
  return cents;
}
