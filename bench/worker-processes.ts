import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from './bench-env.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface WorkerProcesses {
  count: number;
  stop(): Promise<void>;
}

/**
 * Starts `count` separate `ROLE=worker` processes of the product (`src/main.ts`), as an operator
 * would run them beside `ROLE=api`, sharing the database and Redis. Resolves once each answers
 * /healthz. `nice` > 0 lowers their CPU priority, so that on a shared machine the webhooks keep
 * their latency when turns back up (a stored message is safe; its turn can wait).
 */
export async function startWorkerProcesses(count: number, env: Record<string, string>, nice = 0): Promise<WorkerProcesses> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env, ROLE: 'worker', PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    if (nice > 0 && child.pid !== undefined) os.setPriority(child.pid, nice);
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
  }
  return {
    count,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`a worker process exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`a worker process did not answer ${url} within 60 s`);
}
