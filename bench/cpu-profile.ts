import { mkdirSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import { z } from 'zod';

// The bench's CPU profile of the service (BENCH_CPU_PROFILE=1): written to bench/results/, and
// summed two ways — by area (which part of the stack a message's CPU goes to) and by function.

const profileSchema = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }) })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** The functions with the most self time in a V8 CPU profile: share, milliseconds, name and place. */
export function topSelfTime(profile: unknown, count = 20): string[] {
  const { nodes, samples, timeDeltas } = profileSchema.parse(profile);
  const frameOf = new Map(nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  samples.forEach((id, index) => {
    const frame = frameOf.get(id);
    const delta = timeDeltas[index] ?? 0;
    totalUs += delta;
    if (!frame) return;
    const place = frame.url ? `${frame.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${place}`.trim();
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${((us / Math.max(1, totalUs)) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}

/**
 * Where the service's CPU went, by area: each sample is charged to the nearest frame on its stack
 * that belongs to an area (a socket write under the pg client is the database client's; the same
 * write under an HTTP response is the HTTP framework's). Idle time is left out of the shares.
 */
const PROFILE_AREAS: Array<[area: string, matches: RegExp]> = [
  ['database client (pg, Prisma)', /node_modules\/(pg|pg-pool|pg-protocol|pg-types|postgres-[a-z]+|@prisma\/[^/]+)\//],
  ['queue and Redis client (BullMQ, ioredis)', /node_modules\/(bullmq|ioredis|redis-parser|msgpackr)\//],
  ['Twilio client (twilio, axios)', /node_modules\/(twilio|axios|form-data|follow-redirects)\//],
  ['bot framework (botbuilder)', /node_modules\/botbuilder[^/]*\//],
  ['understanding (src/nlu, chrono)', /(\/src\/nlu\/|node_modules\/chrono-node\/)/],
  ['dialogs', /\/dialogs\//],
  ['HTTP framework (Express, body parsing, helmet)', /node_modules\/(express|router|body-parser|raw-body|helmet|qs|iconv-lite|type-is|finalhandler|send|etag|content-type|on-finished|engine\.io|socket\.io)\//],
  ['validation (zod)', /node_modules\/zod\//],
  ['our code (src/, the rest)', /\/src\//],
];

export function profileByArea(profile: unknown): string[] {
  const { nodes, samples, timeDeltas } = profileSchema.parse(profile);
  const frameOf = new Map(nodes.map((node) => [node.id, node.callFrame]));
  const parentOf = new Map<number, number>();
  for (const node of profileNodesWithChildren.parse(profile).nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const areaOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = areaOf.get(id);
    if (known) return known;
    const frame = frameOf.get(id);
    let area: string;
    if (!frame) area = 'other';
    else if (frame.functionName === '(idle)') area = 'idle';
    else if (frame.functionName === '(garbage collector)') area = 'garbage collector';
    else {
      const found = PROFILE_AREAS.find(([, matches]) => matches.test(frame.url));
      const parent = parentOf.get(id);
      area = found ? found[0] : parent === undefined ? 'Node.js and V8 (no area on the stack)' : resolve(parent);
    }
    areaOf.set(id, area);
    return area;
  };
  const byArea = new Map<string, number>();
  samples.forEach((id, index) => byArea.set(resolve(id), (byArea.get(resolve(id)) ?? 0) + (timeDeltas[index] ?? 0)));
  const busyUs = [...byArea.entries()].filter(([area]) => area !== 'idle').reduce((sum, [, us]) => sum + us, 0);
  return [...byArea.entries()]
    .filter(([area]) => area !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => `${((us / Math.max(1, busyUs)) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${area}`);
}

const profileNodesWithChildren = z.object({ nodes: z.array(z.object({ id: z.number(), children: z.array(z.number()).optional() })) });

/** Profiles this process from now until `stop`, which writes the profile and returns its path and top self-time functions. */
export async function startCpuProfile(): Promise<{ stop(): Promise<{ path: string; top: string[]; areas: string[] }> }> {
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const directory = new URL('./results/', import.meta.url);
      mkdirSync(directory, { recursive: true });
      const file = new URL(`service-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`, directory);
      writeFileSync(file, JSON.stringify(profile));
      return { path: `bench/results/${file.pathname.split('/').pop() ?? ''}`, top: topSelfTime(profile), areas: profileByArea(profile) };
    },
  };
}

