import { recreateTemplateDatabase, testDatabaseKind } from './support/database.ts';

// Once per vitest run: a freshly migrated `telcobot_template` for createTestDatabase() to clone.
export default async function setup(): Promise<void> {
  if (testDatabaseKind() === 'postgres') await recreateTemplateDatabase();
}
