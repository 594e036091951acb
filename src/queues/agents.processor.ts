import type { AgentDesk } from '../domain/agents/agent-desk.ts';
import type { QueueProcessor } from './registry.ts';

/** The agents queue: an offer's expiry (a no-op once accepted, declined or re-offered), and the agents' sweep. */
export function createAgentsProcessor(desk: Pick<AgentDesk, 'expireOffer' | 'sweep'>): QueueProcessor<'agents'> {
  return async function processAgents(job) {
    switch (job.name) {
      case 'offer-expiry':
        return { expired: await desk.expireOffer(job.data.conversationId, job.data.version) };
      case 'sweep':
        return desk.sweep();
    }
  };
}
