import type { OrderServices } from '../../../dialogs/services/orders.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The orders services dialogs use, bound to a database. */
export function createOrderServices(_db: DbClient, _settings: BotSettings): OrderServices {
  return {};
}
