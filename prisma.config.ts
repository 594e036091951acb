import { defineConfig } from 'prisma/config';

// Prisma's CLI wants a native schema engine it cannot download offline; `generate`, `validate`
// and `format` never run it, so any existing file satisfies the check. Migrations go through
// our own runner (src/db/migrate.ts) and the WebAssembly engine (npm run db:migration).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= '/bin/false';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
