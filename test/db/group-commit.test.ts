import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit.ts';

// The group commit behind delivery receipts: items that arrive while a write runs go together in
// the next one; one key's items never overlap and keep their order; a bad item fails alone.

interface Item {
  key: string;
  value: number;
}

function recorder(options: { failOn?: number; delayMs?: number } = {}) {
  const batches: number[][] = [];
  let overlapping = 0;
  let maxOverlap = 0;
  const write = async (items: Item[]) => {
    batches.push(items.map((item) => item.value));
    overlapping++;
    maxOverlap = Math.max(maxOverlap, overlapping);
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 5));
    overlapping--;
    if (items.some((item) => item.value === options.failOn)) throw new Error(`bad item ${options.failOn}`);
    return items.map((item) => item.value * 10);
  };
  return { write, batches, maxOverlap: () => maxOverlap };
}

describe('GroupCommit', () => {
  it('writes a lone item at once and batches those that arrive while writes run', async () => {
    const log = recorder();
    const commit = new GroupCommit<Item, number>(log.write, { key: (item) => item.key, inFlight: 1 });
    expect(await commit.submit({ key: 'a', value: 1 })).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => commit.submit({ key: `k${index}`, value: index + 2 })));
    expect(results).toEqual([20, 30, 40, 50, 60, 70]);
    expect(log.batches).toEqual([[1], [2], [3, 4, 5, 6, 7]]);
  });

  it('never writes two items of one key together or side by side, and keeps their order', async () => {
    const log = recorder();
    const commit = new GroupCommit<Item, number>(log.write, { key: (item) => item.key, inFlight: 3 });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((value) => commit.submit({ key: 'same', value }).then(() => order.push(value))));
    expect(order).toEqual([1, 2, 3]);
    expect(log.batches).toEqual([[1], [2], [3]]);
    expect(log.maxOverlap()).toBe(1);
  });

  it('respects the batch size and the number of writes in flight', async () => {
    const log = recorder();
    const commit = new GroupCommit<Item, number>(log.write, { key: (item) => item.key, inFlight: 2, maxBatch: 3 });
    await Promise.all(Array.from({ length: 11 }, (_, index) => commit.submit({ key: `k${index}`, value: index })));
    expect(log.batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Math.max(...log.batches.map((batch) => batch.length))).toBeLessThanOrEqual(3);
    expect(log.maxOverlap()).toBeLessThanOrEqual(2);
  });

  it('fails only the bad item of a failed batch', async () => {
    const log = recorder({ failOn: 4 });
    const commit = new GroupCommit<Item, number>(log.write, { key: (item) => item.key, inFlight: 1 });
    const first = commit.submit({ key: 'x', value: 1 });
    const rest = [3, 4, 5].map((value) => commit.submit({ key: `k${value}`, value }).then((result) => ({ result }), (error: unknown) => ({ error: String(error) })));
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([{ result: 30 }, { error: 'Error: bad item 4' }, { result: 50 }]);
    expect(log.batches).toEqual([[1], [3, 4, 5], [3], [4], [5]]);
  });
});
