import { z } from 'zod';
import { runConsoleLatencyStep } from './console-latency.ts';

// `npm run bench:console`: only the agent console's step of `npm run bench` (customer SMS → the
// owning agent's open console socket). It prints figures and exits 0; it fails only when it cannot run.

const options = z
  .object({
    BENCH_POSTGRES_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/postgres'),
    BENCH_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Conversations held by agents, each texting every BENCH_CONSOLE_INTERVAL_MS, BENCH_CONSOLE_MESSAGES times. */
    BENCH_CONSOLE_CONVERSATIONS: z.coerce.number().int().min(1).max(500).default(50),
    BENCH_CONSOLE_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    BENCH_CONSOLE_MESSAGES: z.coerce.number().int().min(1).default(10),
  })
  .parse(process.env);

try {
  await runConsoleLatencyStep({
    postgresUrl: options.BENCH_POSTGRES_URL,
    redisUrl: options.BENCH_REDIS_URL,
    conversations: options.BENCH_CONSOLE_CONVERSATIONS,
    intervalMs: options.BENCH_CONSOLE_INTERVAL_MS,
    messagesPerConversation: options.BENCH_CONSOLE_MESSAGES,
    log: (line) => console.log(line),
  });
  process.exit(0);
} catch (error) {
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
