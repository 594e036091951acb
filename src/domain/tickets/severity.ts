import type { ServiceType, TicketSeverity } from '../../generated/prisma/client.ts';

// Severity from what the customer said and which product it is on. A home phone that cannot
// call out is critical: it is how many households reach emergency services. Total loss of a
// service is major; a service that works, but badly, is minor.

/** The home phone cannot make calls at all (no dial tone, dead line, cannot reach 911). */
const LANDLINE_CANNOT_CALL = /\b(no dial ?tone|dial ?tone (is )?(gone|missing|dead)|line is dead|dead line|can'?t (make|place) (any )?calls?|cannot (make|place) (any )?calls?|can'?t call (out|911|anyone)|emergency|911)\b/;

/** The service works, but badly: degraded, not lost. */
const DEGRADED = /\b(slow\w*|intermittent\w*|on and off|(keeps?|kept) (dropping|cutting|disconnecting|going)|dropp\w*|cutting out|cuts out|buffer\w*|lag\w*|pixelat\w*|freez\w*|frozen|choppy|static|noise|crackl\w*|echo|weak|patchy|sometimes|now and then|spotty|unstable|flaky)\b/;

/** The service does not work at all. */
const TOTAL_LOSS = /\b(down|dead|ded|offline|outage|no (service|signal|internet|connection|dial ?tone|picture|sound|channels?|bars|data)|not working|isn'?t working|doesn'?t work|won'?t (work|connect|turn on)|stopped working|cannot|can'?t (connect|call|get online|get on|make calls)|completely|totally|nothing works)\b/;

/** Severity of a fault on `serviceType` described as `description`. */
export function deriveSeverity(serviceType: ServiceType, description: string): TicketSeverity {
  const text = description.toLowerCase();
  if (serviceType === 'landline' && LANDLINE_CANNOT_CALL.test(text)) return 'critical';
  if (DEGRADED.test(text)) return 'minor';
  if (TOTAL_LOSS.test(text)) return 'major';
  return 'minor';
}
