/** How a group commit batches; defaults in brackets. */
export interface GroupCommitOptions<Item> {
  /** Items per statement at most [100]. */
  maxBatch?: number;
  /** Statements running at once [2]; items arriving meanwhile wait and go together in the next one. */
  inFlight?: number;
  /** Items with the same key never share a statement nor run beside each other, so they apply in arrival order. */
  key: (item: Item) => string;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes many small items with one statement (one round trip, one commit): while statements run,
 * items that arrive wait and go together in the next. Nothing waits when nothing runs, so a quiet
 * service adds no latency, and a busy one makes fewer, larger commits. A failed batch is retried
 * item by item, so one bad item fails only its own caller.
 */
export class GroupCommit<Item, Result> {
  private readonly waiting: Array<Waiting<Item, Result>> = [];
  private readonly runningKeys = new Set<string>();
  private running = 0;
  private readonly maxBatch: number;
  private readonly inFlight: number;

  constructor(
    /** Writes the items and returns one result per item, in the same order. */
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly options: GroupCommitOptions<Item>,
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.inFlight = options.inFlight ?? 2;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.inFlight && this.waiting.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        for (const entry of batch) this.runningKeys.delete(this.options.key(entry.item));
        this.pump();
      });
    }
  }

  /** The oldest waiting items whose keys are not being written, one per key. */
  private takeBatch(): Array<Waiting<Item, Result>> {
    const batch: Array<Waiting<Item, Result>> = [];
    for (let index = 0; index < this.waiting.length && batch.length < this.maxBatch; ) {
      const entry = this.waiting[index];
      if (!entry) break;
      const key = this.options.key(entry.item);
      if (this.runningKeys.has(key)) {
        index++;
        continue;
      }
      this.runningKeys.add(key);
      batch.push(entry);
      this.waiting.splice(index, 1);
    }
    return batch;
  }

  private async run(batch: Array<Waiting<Item, Result>>): Promise<void> {
    try {
      const results = await this.write(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((entry, index) => settle(entry, results[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const entry of batch) {
        await this.write([entry.item]).then(
          ([result]) => settle(entry, result),
          (itemError: unknown) => entry.reject(itemError),
        );
      }
    }
  }
}

function settle<Item, Result>(entry: Waiting<Item, Result>, result: Result | undefined): void {
  if (result === undefined) entry.reject(new Error('group commit: no result for the item'));
  else entry.resolve(result);
}
