/**
 * An account's documents handed on in listing order a chunk at a time, while its buckets are read
 * side by side and end in any order (scan/account.ts). What is held stays bounded by the window:
 * a reader whose bucket is `window` or more places past the first one not yet ended waits before
 * reading it, so one slow bucket (retries) cannot leave the rest of a million-bucket account in
 * memory behind it.
 */
import type { BucketDocument } from "../model/index.js";

export type ChunkSink = (documents: BucketDocument[]) => Promise<void>;

export class InOrder {
  /** Documents ended ahead of the first one still read, by listing place. */
  private readonly ahead = new Map<number, BucketDocument>();
  /** The first listing place not yet in a chunk. */
  private next = 0;
  private chunk: BucketDocument[] = [];
  /** The chunks handed on, one after another; a reader awaits it (the sink's pace is the reading's). */
  private writing: Promise<void> = Promise.resolve();
  private waiting: (() => void)[] = [];

  constructor(
    private readonly sink: ChunkSink,
    private readonly chunkSize: number,
    private readonly window: number,
  ) {}

  /** Resolves once the bucket at `at` is within the window. */
  async room(at: number): Promise<void> {
    while (at - this.next >= this.window) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** The document at listing place `at` ended; resolves once the chunks it completed are handed on. */
  put(at: number, doc: BucketDocument): Promise<void> {
    this.ahead.set(at, doc);
    const moved = this.next;
    for (let found = this.ahead.get(this.next); found !== undefined; found = this.ahead.get(this.next)) {
      this.ahead.delete(this.next++);
      this.chunk.push(found);
      if (this.chunk.length === this.chunkSize) this.handOn();
    }
    if (this.next !== moved) for (const wake of this.waiting.splice(0)) wake();
    return this.writing;
  }

  /** Every document is in: the last chunk is handed on. */
  end(): Promise<void> {
    if (this.chunk.length > 0) this.handOn();
    return this.writing;
  }

  private handOn(): void {
    const documents = this.chunk;
    this.chunk = [];
    this.writing = this.writing.then(() => this.sink(documents));
  }
}
