import { ConfigError, loadConfig } from '../app/config/index.ts';
import { openDatabase } from '../db/client.ts';
import { seedDemoData } from '../domain/demo/seed.ts';

/** Applies migrations and seeds the demo data into DATABASE_URL (or the embedded database). */
export async function migrateAndSeed(databaseUrl: string | undefined): Promise<void> {
  const target = databaseUrl ? 'DATABASE_URL' : 'the embedded database (.data/pglite)';
  process.stdout.write(`Preparing ${target}…\n`);
  const db = await openDatabase({ url: databaseUrl, onMigrationApplied: (name) => process.stdout.write(`  migration applied: ${name}\n`) });
  try {
    const started = performance.now();
    const summary = await seedDemoData(db.prisma);
    const created = Object.entries(summary.created)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${count} ${name}`)
      .join(', ');
    process.stdout.write(`  demo data: ${created || 'already present, nothing to add'} (${Math.round(performance.now() - started)} ms)\n`);
    if (summary.skippedCustomers.length > 0) {
      process.stdout.write(`  skipped demo customers whose numbers belong to other records: ${summary.skippedCustomers.join(', ')}\n`);
    }
  } finally {
    await db.close();
  }
}

const isEntryPoint = process.argv[1]?.endsWith('seed.ts');
if (isEntryPoint) {
  try {
    await migrateAndSeed(loadConfig().database.url);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
