import type { BillingServices } from '../../../dialogs/services/billing.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The billing services dialogs use, bound to a database. */
export function createBillingServices(_db: DbClient, _settings: BotSettings): BillingServices {
  return {};
}
