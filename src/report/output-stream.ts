/**
 * Writing large reports element by element: small writes are batched into ~64 KiB chunks, and a
 * chunk waits for 'drain' when the stream's buffer is full, so a 100,000-bucket snapshot never sits
 * in memory as one string. Every file-system failure becomes an OutputError naming the file.
 */
import { createWriteStream, openSync } from "node:fs";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import { OutputError, SnapshotError } from "../errors.js";

const BATCH_CHARS = 64 * 1024;

export interface ReportFileOptions {
  /** Gzip the file (for `snapshot.json.gz`). */
  gzip?: boolean;
  /**
   * Write into a file that must already exist (created empty by the main thread, for a report a
   * worker thread renders): once an interrupt has removed it, opening fails instead of creating it again.
   */
  existing?: boolean;
  /**
   * Bytes the file may have queued before a write waits for 'drain' (the streams' default: 16 KiB,
   * less than one batch, so every batch waited for the thread pool's write to end). A writer that
   * has its next records to make meanwhile (the audit's snapshot) passes more. The plain file's
   * only: behind gzip, the compression is what waits.
   */
  highWaterMark?: number;
}

export class ReportFileWriter {
  /** What is written to: the file, or a gzip stream in front of it. */
  private readonly stream: Writable;
  private readonly fileStream: ReturnType<typeof createWriteStream>;
  private failure: Error | null = null;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(
    readonly file: string,
    options: ReportFileOptions = {},
  ) {
    // Opened here, synchronously: an interrupt (cli/interrupt.ts) removes the temporary file between
    // two tasks, and a stream's own open, still in flight then, would create it after the removal.
    const queued = options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark };
    this.fileStream = createWriteStream(file, { fd: openSync(file, options.existing === true ? "r+" : "w"), encoding: "utf8", ...queued });
    this.fileStream.on("error", (error) => {
      this.failure = error;
    });
    if (options.gzip === true) {
      const gzip = createGzip();
      gzip.on("error", (error) => {
        this.failure = error;
      });
      gzip.pipe(this.fileStream);
      this.stream = gzip;
    } else {
      this.stream = this.fileStream;
    }
  }

  /** Queues the chunk; hands a batch to the stream once it is large, waiting for 'drain' when needed. */
  async write(chunk: string): Promise<void> {
    await this.queue(chunk);
  }

  /**
   * The same, with a promise only when a batch is handed to the stream (one chunk in hundreds): a
   * caller writing a line per record awaits nothing otherwise. An awaited promise per line and per
   * report was about a tenth of the CSV's and the SARIF's CPU (docs/scale.md, "Where the reports' CPU goes").
   */
  queue(chunk: string): Promise<void> | undefined {
    this.pending.push(chunk);
    this.pendingChars += chunk.length;
    return this.pendingChars >= BATCH_CHARS ? this.flush() : undefined;
  }

  /**
   * Bytes as they are (a copy of a file's range), after the text queued before them; settles once
   * they are written, so the caller may fill the same buffer again.
   */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    if (bytes.length > 0) {
      await new Promise<void>((resolve) => {
        this.stream.write(bytes, (error) => {
          if (error) this.failure ??= error;
          resolve();
        });
      });
    }
    this.throwIfFailed();
  }

  private async flush(): Promise<void> {
    this.throwIfFailed();
    const batch = this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    if (batch.length > 0 && !this.stream.write(batch)) await this.drained();
    this.throwIfFailed();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off("drain", done);
        this.stream.off("error", done);
        resolve();
      };
      this.stream.on("drain", done);
      this.stream.on("error", done);
    });
  }

  /** Flushes and closes the file; throws if any write failed. */
  async close(): Promise<void> {
    await this.flush();
    // Done when the file itself is closed (behind gzip, ending the gzip stream only starts that).
    await new Promise<void>((resolve) => {
      this.fileStream.once("close", () => resolve());
      this.fileStream.once("error", () => resolve());
      this.stream.end();
    });
    this.throwIfFailed();
  }

  /**
   * Closes without flushing, after a failure elsewhere, and waits until the file is closed: the
   * caller removes it next, and a stream still opening would create it again after the removal.
   */
  async destroy(): Promise<void> {
    if (this.fileStream.closed) return;
    const closed = new Promise<void>((resolve) => this.fileStream.once("close", () => resolve()));
    if (this.stream !== this.fileStream) this.stream.destroy();
    this.fileStream.destroy();
    await closed;
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw outputError(this.file, this.failure);
  }
}

export function outputError(file: string, cause: unknown): OutputError {
  if (cause instanceof OutputError) return cause;
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new OutputError(`cannot write ${file}: ${reason}`, { file, cause, ...(code ? { code } : {}) });
}

/** Runs `body` against a writer for `file`, closing it on success and destroying it on failure. */
export async function withReportFile(file: string, body: (writer: ReportFileWriter) => Promise<void>, options: ReportFileOptions = {}): Promise<void> {
  const writer = new ReportFileWriter(file, options);
  try {
    await body(writer);
    await writer.close();
  } catch (error) {
    await writer.destroy();
    // A snapshot that cannot be read is the input's fault (exit 2), not the output's.
    throw error instanceof SnapshotError ? error : outputError(file, error);
  }
}
