import { defineConfig } from 'vitest/config';

// Every test that touches a database runs twice: on the embedded database (PGlite) and on the
// PostgreSQL server at 127.0.0.1:5432, both against the real Redis at 127.0.0.1:6379. Tests that
// never reach a database (pure rules, the recogniser, channel protocol limits, the browser pages)
// run once, in the pglite project: a second run would test the same code again.
const DATABASE_AGNOSTIC = [
  'test/config.test.ts',
  'test/db/group-commit.test.ts',
  'test/bot/dialog-state-configuration.test.ts',
  'test/nlu/**',
  'test/dialogs/**',
  'test/gateway/**',
  'test/network/**',
  'test/channels/**',
  'test/sandbox/**',
  'test/architecture/**',
  'test/queues/registry.test.ts',
  'test/lib/**',
  'test/http/**',
  'test/domain/adjustment-policy.test.ts',
  'test/domain/catalog.test.ts',
  'test/domain/money.test.ts',
  'test/domain/postal-address.test.ts',
  'test/domain/offering-matcher.test.ts',
  'test/domain/references.test.ts',
  'test/domain/service-types.test.ts',
  'test/domain/retention-policy.test.ts',
  'test/domain/tickets-self-help.test.ts',
  'test/domain/tickets-severity.test.ts',
  'test/domain/tickets-diagnostics.test.ts',
  'test/domain/churn-model.test.ts',
  'test/domain/offer-ranking.test.ts',
  'test/domain/marketing-gate.test.ts',
  // Browser pages and Direct Line token/limit rules: the database behind them is the same code path as in every other e2e test.
  'test/e2e/demo-page.test.ts',
  'test/e2e/webchat-demo.test.ts',
  // The voice try-it page drives the same relay path as test/e2e/voice-relay.test.ts, which runs on both.
  'test/e2e/voice-demo.test.ts',
  // Gather and after-hours are call-flow rules over the same storage path voice-relay.test.ts runs on both.
  'test/e2e/voice-gather.test.ts',
  'test/e2e/voice-after-hours.test.ts',
  // The marketer console in a browser: the same routes as marketing.test.ts, which runs on both.
  'test/e2e/marketing-console-browser.test.ts',
  'test/e2e/webchat-security.test.ts',
  // Runs its own PostgreSQL cluster, Redis and service processes.
  'test/e2e/chaos.test.ts',
  // The console in a browser (sign-in, customer, approval): the same routes as console-customers.test.ts.
  'test/e2e/console-browser.test.ts',
  // The desk in a browser (actions, take-over, reassign): the same routes as console-actions and agent-handoff.
  'test/e2e/console-desk-browser.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Test files in one worker share the modules they import (the app, Prisma, botbuilder, the
    // Twilio SDK): importing them afresh for every file cost more than half of the suite's time.
    // Every file starts its own service, database and Redis prefix, so no state is shared.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores, but much of an end-to-end test is waiting on Redis, the database and timers:
    // three files at once keep both cores busy without starving them.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'pglite', env: { TEST_DB: 'pglite' } } },
      {
        extends: true,
        test: { name: 'postgres', env: { TEST_DB: 'postgres' }, globalSetup: ['test/global-setup.ts'], exclude: DATABASE_AGNOSTIC },
      },
    ],
  },
});
