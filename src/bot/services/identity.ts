import type { IdentityServices } from '../../../dialogs/services/identity.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The identity services dialogs use, bound to a database. */
export function createIdentityServices(_db: DbClient, _settings: BotSettings): IdentityServices {
  return {};
}
