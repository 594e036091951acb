/** The billing domain services dialogs may call; src/bot/services/billing.ts binds them to the database. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface BillingServices {}
