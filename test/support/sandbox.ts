import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/app/config/index.ts';
import { seedDemoData } from '../../src/domain/demo/seed.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { startService, type Service } from '../../src/app/service.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { baseTestSettings, deleteRedisKeys } from './service.ts';

export interface SandboxEnv {
  service: Service;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/**
 * The service as a developer first runs it: no Twilio account configured, so it serves the
 * try-it page and its own Twilio stand-in at /dev/twilio. Seeded demo data, its own database
 * (by TEST_DB) and its own Redis key prefix.
 */
export async function startSandboxEnv(): Promise<SandboxEnv> {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const database = await createTestDatabase();
  try {
    await seedDemoData(database.db.prisma);
    // No TWILIO_* here on purpose: that is what makes config.twilio.sandbox true.
    const config = loadConfig(baseTestSettings(prefix));
    if (!config.twilio.sandbox) throw new Error('Expected the sandbox configuration (no Twilio account)');
    const service = await startService(config, { logger: createLogger(config.logLevel), host: '127.0.0.1', database: database.db });
    return {
      service,
      database,
      config,
      async close() {
        await service.close();
        await database.drop();
        await deleteRedisKeys(config.redis.url, prefix);
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
