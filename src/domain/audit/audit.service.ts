import type { Prisma } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';

export interface AuditEntry {
  actorType: 'customer' | 'staff' | 'bot' | 'system';
  actorId?: string | undefined;
  action: string;
  entityType: string;
  entityId: string;
  details?: Prisma.InputJsonValue;
  correlationId?: string | undefined;
}

/** Records who did what to which record; call it in the same transaction as the change. */
export async function recordAuditEvent(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({ data: entry });
}
