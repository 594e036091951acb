import type { RetentionServices } from '../../../dialogs/services/retention.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import {
  acceptRetentionOffer,
  declineRetentionOffer,
  findOpenCancellation,
  findRetentionOffer,
  recordChurnSignal,
  requestServiceCancellation,
} from '../../domain/retention/retention.service.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The retention services dialogs use, bound to a database. */
export function createRetentionServices(db: DbClient, _settings: BotSettings): RetentionServices {
  return {
    findRetentionOffer: (customerId, productId, now) => findRetentionOffer(db, customerId, productId, now),
    recordChurnSignal: (request) => recordChurnSignal(db, request),
    declineRetentionOffer: (signalId) => declineRetentionOffer(db, signalId),
    acceptRetentionOffer: (request) => acceptRetentionOffer(db, request),
    findOpenCancellation: (customerId, productId) => findOpenCancellation(db, customerId, productId),
    requestServiceCancellation: (request) => requestServiceCancellation(db, request),
  };
}
