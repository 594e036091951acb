import { loadConfig } from '../app/config/index.ts';
import { migrateAndSeed } from './seed.ts';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../domain/demo/demo-data.ts';

// Second half of `npm run setup` (after npm install and prisma generate): the database, migrated
// and seeded with the demo data, ready for `npm start`.

try {
  const config = loadConfig();
  await migrateAndSeed(config.database.url);
  process.stdout.write(`\nReady. Start the service with: npm start   (Redis must be running at ${config.redis.url})\n`);
  // Demo only: the seeded staff share one published password; `npm run staff` adds real ones.
  process.stdout.write(
    `Staff console: ${config.http.publicBaseUrl}/console — demo staff ${DEMO_STAFF.map((staff) => staff.email).join(', ')}, password ${DEMO_STAFF_PASSWORD}\n`,
  );
} catch (error) {
  process.stderr.write(`Setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
