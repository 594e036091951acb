import { startServiceProcess, type ServiceProcess } from '../test/support/service-process.ts';

export interface WorkerProcesses {
  count: number;
  /** Their process ids. */
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts `count` separate `ROLE=worker` processes of the product, as an operator would run them
 * beside `ROLE=api`, sharing the database and Redis. `nice` > 0 lowers their CPU priority, so that
 * on a shared machine the webhooks keep their latency when turns back up (a stored message is
 * safe; its turn can wait).
 */
export async function startWorkerProcesses(count: number, env: Record<string, string>, nice = 0): Promise<WorkerProcesses> {
  const workers: ServiceProcess[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(await startServiceProcess({ ...env, ROLE: 'worker' }, { nice }));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop()));
    throw error;
  }
  return {
    count,
    pids: workers.flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid])),
    stop: async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
    },
  };
}
