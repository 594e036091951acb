import type { CustomerProfile, ProfileUpdateRequest, ProfileUpdateResult } from '../../src/domain/profile/profile.service.ts';

export type { CustomerProfile, ProfileUpdateRequest, ProfileUpdateResult };

/** The profile domain services dialogs may call; src/bot/services/profile.ts binds them to the database. */
export interface ProfileServices {
  /** The customer's own details on file (never another customer's). */
  getProfile(customerId: string): Promise<CustomerProfile | null>;
  /** Applies one confirmed change with its audit record; idempotent on the request's key. */
  updateProfile(request: ProfileUpdateRequest): Promise<ProfileUpdateResult>;
}
