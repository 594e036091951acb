import type { ProfileServices } from '../../../dialogs/services/profile.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { getCustomerProfile, updateCustomerProfile } from '../../domain/profile/profile.service.ts';

/** The profile services dialogs use, bound to a database. */
export function createProfileServices(db: DbClient, _settings: BotSettings): ProfileServices {
  return {
    getProfile: (customerId) => getCustomerProfile(db, customerId),
    updateProfile: (request) => updateCustomerProfile(db, request),
  };
}
