import type { IdentityServices } from '../../../dialogs/services/identity.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { checkVerificationCode, isVerifiedInConversation, issueVerificationCode, signInConversation } from '../../domain/identity/verification.service.ts';
import type { NotificationOutbox } from '../../domain/notifications/notifications.service.ts';

/** The identity services dialogs use, bound to a database and to the SMS outbox that carries the codes. */
export function createIdentityServices(db: DbClient, settings: BotSettings, outbox: NotificationOutbox): IdentityServices {
  const deps = { settings: settings.verification, outbox, operatorName: settings.operatorName };
  return {
    isVerified: (request) => isVerifiedInConversation(db, settings.verification, request),
    sendVerificationCode: ({ target, ...request }) => issueVerificationCode(db, deps, target, request),
    checkVerificationCode: (request) => checkVerificationCode(db, deps, request),
    signInConversation: (request) => signInConversation(db, settings.verification, request),
  };
}
