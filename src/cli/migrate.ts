import { loadConfig } from '../app/config/index.ts';
import { openDatabase, parseDatabaseUrl } from '../db/client.ts';

// `npm run db:migrate`: applies pending migrations to DATABASE_URL (unset: the embedded PGlite).

async function main(): Promise<void> {
  const { database } = loadConfig();
  const target = parseDatabaseUrl(database.url);
  const where = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite ${target.dataDir ?? '(in memory)'}`;
  const applied: string[] = [];
  const db = await openDatabase({
    url: database.url,
    poolSize: 1,
    onMigrationApplied: (name) => {
      applied.push(name);
      console.log(`Applied ${name}`);
    },
  });
  await db.close();
  console.log(applied.length === 0 ? `${where}: no pending migrations` : `${where}: ${applied.length} migration(s) applied`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
