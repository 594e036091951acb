import { AGENT_QUEUES, type AgentQueue } from './agent-values.ts';
import type { DbClient } from '../../lib/db-types.ts';

/**
 * The queues whose changes a staff member's console is sent: an agent's skills (none recorded:
 * every queue, as routing reads it), every queue for supervisors and admins.
 */
export async function queuesServedBy(db: DbClient, staffId: string, supervising: boolean): Promise<AgentQueue[]> {
  if (supervising) return [...AGENT_QUEUES];
  const presence = await db.agentPresence.findUnique({ where: { staffId }, select: { skills: true } });
  return presence && presence.skills.length > 0 ? presence.skills : [...AGENT_QUEUES];
}
