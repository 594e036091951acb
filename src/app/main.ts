import { ConfigError, loadConfig } from './config/index.ts';
import { createLogger } from '../lib/logger.ts';
import { startService, StartupError } from './service.ts';

// `npm start`: the service, until SIGTERM or SIGINT, which drain it: stop taking webhooks, finish
// running turns and jobs, close queues and the database.

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const service = await startService(config, { logger });
  const where = config.database.url ? 'DATABASE_URL' : 'the embedded database in .data/pglite';
  process.stdout.write(
    `\n  ${config.operator.name} bot is running on ${config.http.publicBaseUrl} (${where}${config.twilio.sandbox ? ', Twilio sandbox: no real SMS is sent' : ''}).\n` +
      (config.twilio.sandbox
        ? `  Open ${config.http.publicBaseUrl}/ to chat with the bot on the web, ${config.http.publicBaseUrl}/try/sms to text it, or run: npm run chat -- --from +15551230001\n\n`
        : '\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
