import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';

// Another instance of the service as its own operating-system process (`src/app/main.ts`), as an
// operator runs one beside the others: it shares only PostgreSQL and Redis with them (tests, and
// the benchmark's split deployment).

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  url: string;
  /** The operating-system process id (the benchmark sums the CPU of its service processes). */
  pid: number | undefined;
  /** SIGTERM (the service drains), then waits for the exit. */
  stop(): Promise<void>;
  /** Sends `signal` (SIGKILL: a crash, nothing drains) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export interface ServiceProcessOptions {
  /** How long it may take to answer /healthz. Default 90 s. */
  timeoutMs?: number;
  /** Its nice value: > 0 yields the CPU to the processes beside it. Default 0. */
  nice?: number;
  /** The entry module, relative to the project root. Default `src/app/main.ts`. */
  entry?: string;
}

/** Starts `src/app/main.ts` (or `options.entry`) with `env` (PORT is chosen here); resolves once it answers /healthz. */
export async function startServiceProcess(env: Record<string, string>, options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const { timeoutMs = 90_000, nice = 0, entry = 'src/app/main.ts' } = options;
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (nice > 0 && child.pid !== undefined) os.setPriority(child.pid, nice);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child);
  try {
    await waitForHealth(`${url}/healthz`, child, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid, stop, kill: (signal) => stopChild(child, signal) };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service process exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the service process did not answer ${url} within ${timeoutMs / 1000} s`);
}
