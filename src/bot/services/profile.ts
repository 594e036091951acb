import type { ProfileServices } from '../../../dialogs/services/profile.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The profile services dialogs use, bound to a database. */
export function createProfileServices(_db: DbClient, _settings: BotSettings): ProfileServices {
  return {};
}
