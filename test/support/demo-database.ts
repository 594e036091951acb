import { seedDemoData } from '../../src/domain/demo/seed.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface DemoDatabase extends TestDatabase {
  /** The id of the demo customer with this phone number on file. */
  customerId(phoneNumber: string): Promise<string>;
}

/** A fresh database of the TEST_DB kind holding the demo data (domain tests). */
export async function createDemoDatabase(): Promise<DemoDatabase> {
  const database = await createTestDatabase();
  await seedDemoData(database.db.prisma);
  return {
    ...database,
    customerId: async (phoneNumber) => (await database.db.prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber } })).customerId,
  };
}
