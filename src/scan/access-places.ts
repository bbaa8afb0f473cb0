/**
 * The places of the access pass's batches (scan/access-pass.ts): at most `maxBatches` batches and
 * `maxDocuments` documents are read at once (one batch larger than that runs alone); a batch's
 * `finish` (writing its documents, forgetting its reads) runs once its reads end.
 */
export class BatchPlaces {
  private readonly inFlight: Array<{ size: number; read: Promise<void>; finish: () => Promise<void> }> = [];
  private documents = 0;

  constructor(
    private readonly maxBatches: number,
    private readonly maxDocuments: number,
  ) {}

  /** Waits for a place for a batch of `size` documents, then begins `read`. Rejects with an earlier batch's failure. */
  async add(size: number, read: () => Promise<void>, finish: () => Promise<void>): Promise<void> {
    while (this.inFlight.length > 0 && (this.inFlight.length >= this.maxBatches || this.documents + size > this.maxDocuments)) await this.finishOldest();
    const reading = read();
    // Awaited in order by finishOldest; a rejection is seen there (or in `abandon`), never unhandled.
    reading.catch(() => undefined);
    this.inFlight.push({ size, read: reading, finish });
    this.documents += size;
  }

  /** Waits for every batch begun; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.finishOldest();
  }

  /** After a failure: waits for the batches still reading, their outcome ignored. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.inFlight.map((entry) => entry.read));
  }

  private async finishOldest(): Promise<void> {
    const oldest = this.inFlight.shift()!;
    await oldest.read;
    this.documents -= oldest.size;
    await oldest.finish();
  }
}
