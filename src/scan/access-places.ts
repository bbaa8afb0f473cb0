/**
 * The places of the access pass's batches (scan/access-pass.ts): at most `maxBatches` batches and
 * `maxDocuments` documents are read at once (one batch larger than that runs alone); a batch's
 * `finish` (writing its documents, forgetting its reads) runs once its reads end.
 *
 * A batch gives up its place when its own reads end, whatever the older batches do. Finished
 * oldest-first, one batch whose role read waited out several throttling backoffs (seconds each)
 * held every later batch's place: the request slots idled and the pass took 232 s at 100,000
 * buckets with 20% of calls throttled (docs/scale.md "Throttling"). Finishing in any order changes
 * nothing the pass gives: its output spool returns documents in (account id, name) order however
 * they were written, and a read is forgotten only once every batch naming it has ended.
 */
export class BatchPlaces {
  /** Each batch begun and not yet finished: its read, then its finish; it never rejects (see `failure`). */
  private readonly running = new Set<Promise<void>>();
  private documents = 0;
  /** The first batch that failed: the next `add` or `drain` rejects with it. */
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly maxBatches: number,
    private readonly maxDocuments: number,
  ) {}

  /**
   * Waits for a place for a batch of `size` documents, then begins `read` (and `finish` once it
   * ends). Rejects with a batch's failure, as soon as there is one, without waiting for the others.
   */
  async add(size: number, read: () => Promise<void>, finish: () => Promise<void>): Promise<void> {
    this.rethrow();
    while (this.running.size > 0 && (this.running.size >= this.maxBatches || this.documents + size > this.maxDocuments)) {
      await Promise.race(this.running);
      this.rethrow();
    }
    this.documents += size;
    const run = this.run(read, finish).finally(() => {
      // Its documents are written (or the pass is failing): they stop counting, and its place is free.
      this.documents -= size;
      this.running.delete(run);
    });
    this.running.add(run);
  }

  /** A batch's read then its finish; a failure is kept for the caller, never a rejection left unhandled. */
  private async run(read: () => Promise<void>, finish: () => Promise<void>): Promise<void> {
    try {
      await read();
      await finish();
    } catch (error) {
      this.failure ??= { error };
    }
  }

  /** Waits for every batch begun; rejects with the first failure as soon as there is one. */
  async drain(): Promise<void> {
    this.rethrow();
    while (this.running.size > 0) {
      await Promise.race(this.running);
      this.rethrow();
    }
  }

  /** After a failure: waits for the batches still reading (their outcome is the failure's, or ignored). */
  async abandon(): Promise<void> {
    await Promise.all(this.running);
  }

  private rethrow(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}
