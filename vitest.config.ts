import { defineConfig } from 'vitest/config';

// The whole suite runs twice: on the embedded database (PGlite) and on the PostgreSQL server at
// 127.0.0.1:5432, both against the real Redis at 127.0.0.1:6379.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files than that only adds contention.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'pglite', env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'postgres', env: { TEST_DB: 'postgres' }, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
