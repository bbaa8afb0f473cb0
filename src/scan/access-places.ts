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
/**
 * What the access batches hold at once, early (scan/early-access.ts) and in the pass
 * (scan/access-pass.ts): at most 16 batches and 1,536 replicating documents. At 100 buckets an
 * account (~55 replicating) the batches bind first (~880 documents); at 1,000 the documents do (two
 * accounts of ~550 at once). With 4,096 (seven such accounts) and the accounts stage's 4,096
 * (scan/account-sink.ts), a million buckets' accounts and access stages peaked 10–12 MB higher
 * (docs/memory.md "Larger accounts, no more documents held").
 */
export const MAX_BATCHES_IN_FLIGHT = 16;
export const MAX_DOCUMENTS_IN_FLIGHT = 1536;

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
