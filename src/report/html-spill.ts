/**
 * A temporary file the HTML report's body is written to while the snapshot is read, so the page
 * comes from one reading of the records: the page head and each account's heading need counts
 * known only at the end, so the buckets' markup waits here and is copied into the page then, byte
 * for byte (no record is read or rendered twice). Written in ~64 KiB batches with plain
 * synchronous writes (a local temporary file: no back-pressure to wait for); ranges are byte
 * offsets, marked between accounts.
 *
 * Its name is a report temporary (report-dir.ts): an interrupt removes it with the reports, and
 * `discard` removes it after the page is written or when rendering fails.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { startWhole, type WholeFile } from "./report-dir.js";

/** A spill file's name and its removal: its own report temporary, or one its owner made and removes (a worker's, made by the main thread). */
export type SpillName = Pick<WholeFile, "temporary" | "discard">;

const BATCH_CHARS = 64 * 1024;
const COPY_BYTES = 1 << 20;

/** Where the page goes: text, and bytes copied as they are when the output can take them. */
export interface PageOutput {
  write(chunk: string): Promise<void>;
  writeBytes?(bytes: Uint8Array): Promise<void>;
}

/** A byte range of a spill file: [start, end). */
export type SpillRange = readonly [start: number, end: number];

export class SpillFile {
  private readonly whole: SpillName;
  private fd: number | null;
  private pending: string[] = [];
  private pendingChars = 0;
  private written = 0;
  /** A batch's bytes (a UTF-16 code unit takes at most 3). */
  private buffer = Buffer.allocUnsafe(BATCH_CHARS * 3);
  private copyBuffer: Buffer | null = null;

  /** `near`: a file whose folder holds the spill (the report's own temporary file), or the spill's own name. */
  constructor(near: string | SpillName) {
    this.whole = typeof near === "string" ? startWhole(near) : near;
    this.fd = openSync(this.whole.temporary, "w+");
  }

  write(chunk: string): void {
    this.pending.push(chunk);
    this.pendingChars += chunk.length;
    if (this.pendingChars >= BATCH_CHARS) this.flush();
  }

  /** The offset the next write starts at. */
  mark(): number {
    this.flush();
    return this.written;
  }

  private flush(): void {
    if (this.pendingChars === 0) return;
    const batch = this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    // Encoded into one buffer, kept (not a fresh one per batch, left to the collector).
    if (batch.length * 3 > this.buffer.length) this.buffer = Buffer.allocUnsafe(batch.length * 3);
    const length = this.buffer.write(batch, 0, "utf8");
    for (let at = 0; at < length; ) at += writeSync(this.openFd(), this.buffer, at, length - at, this.written + at);
    this.written += length;
  }

  /**
   * The range's bytes to `output` in ~1 MiB pieces: as they are with `writeBytes` (a report file),
   * else as text (a character split between two pieces is kept whole).
   */
  async copy([start, end]: SpillRange, output: PageOutput): Promise<void> {
    this.flush();
    const decoder = output.writeBytes === undefined ? new StringDecoder("utf8") : null;
    // One buffer for every copy (one a section: a fresh one each left ~30 MB to the collector at
    // 10,000 buckets); `writeBytes` settles once its bytes are written.
    const buffer = (this.copyBuffer ??= Buffer.allocUnsafe(COPY_BYTES));
    for (let at = start; at < end; ) {
      const read = readSync(this.openFd(), buffer, 0, Math.min(buffer.length, end - at), at);
      if (read === 0) throw new Error(`the report spill file ${this.whole.temporary} ends at ${at} bytes, before ${end}`);
      at += read;
      if (decoder === null) await output.writeBytes!(buffer.subarray(0, read));
      else {
        const text = decoder.write(buffer.subarray(0, read));
        if (text.length > 0) await output.write(text);
      }
    }
    const rest = decoder?.end() ?? "";
    if (rest.length > 0) await output.write(rest);
  }

  /** The range as one string (a small range: an account's findings). */
  read([start, end]: SpillRange): string {
    this.flush();
    const buffer = Buffer.allocUnsafe(end - start);
    for (let at = 0; at < buffer.length; ) {
      const read = readSync(this.openFd(), buffer, at, buffer.length - at, start + at);
      if (read === 0) throw new Error(`the report spill file ${this.whole.temporary} ends before ${end} bytes`);
      at += read;
    }
    return buffer.toString("utf8");
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`the report spill file ${this.whole.temporary} is already removed`);
    return this.fd;
  }

  /** Closes and removes the file (again: nothing). */
  async discard(): Promise<void> {
    this.pending = [];
    this.pendingChars = 0;
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      closeSync(fd);
    }
    await this.whole.discard();
  }
}
