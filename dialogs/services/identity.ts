/** The identity domain services dialogs may call; src/bot/services/identity.ts binds them to the database. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface IdentityServices {}
