/**
 * Writing a snapshot (format 2.x, docs/snapshot.md): one JSON record per line, so a writer appends
 * each bucket and its results as they are evaluated and a reader handles one line at a time, in any
 * amount of memory. The trailer carries the counts of what came before it: a file cut short (a full
 * disk, a killed job, a broken download) has no trailer, or other counts, and is refused.
 */
import type { AccountRecord, BucketDocument, PolicyResult, Snapshot, SnapshotHeader, SnapshotRecord, SnapshotTrailer } from "../model/index.js";
import { bucketOrder, SNAPSHOT_SCHEMA_VERSION } from "../model/index.js";
import { ReportFileWriter, outputError } from "./output-stream.js";
import { SnapshotLineEncoder } from "./snapshot-encode.js";
import { withoutUserInfo } from "../url.js";

export interface SnapshotWriteOptions {
  /** Gzip the file (`snapshot.json.gz`); every reader detects it by its magic bytes. */
  gzip?: boolean;
}

/** What the snapshot file may have queued, written by the thread pool, before a write waits. */
const SNAPSHOT_QUEUE_BYTES = 1024 * 1024;

/** Appends records to a snapshot file in the order the format requires (header, accounts, buckets, trailer). */
export class SnapshotWriter {
  private readonly counts = { accounts: 0, buckets: 0, results: 0, failures: 0 };
  private readonly out: ReportFileWriter;
  private readonly encoder = new SnapshotLineEncoder();

  constructor(
    readonly file: string,
    options: SnapshotWriteOptions = {},
  ) {
    // The main thread makes the next records while the thread pool writes the last ones: it waits
    // only when a MiB is queued (the disk behind), not after every 64 KiB batch.
    this.out = new ReportFileWriter(file, { ...options, highWaterMark: SNAPSHOT_QUEUE_BYTES });
  }

  private line(record: SnapshotRecord): Promise<void> {
    return this.out.write(`${JSON.stringify(record)}\n`);
  }

  header(header: SnapshotHeader): Promise<void> {
    const { kind, bucketDocumentSchemaVersion, tool, scan, configHash, failOn, policies } = header;
    // Whatever version the source said, what is written now is this format.
    return this.line({ record: "header", kind, schemaVersion: SNAPSHOT_SCHEMA_VERSION, bucketDocumentSchemaVersion, tool, scan: recordedScan(scan), configHash, failOn, policies });
  }

  async account(account: AccountRecord): Promise<void> {
    this.counts.accounts++;
    await this.line({ record: "account", account });
  }

  /**
   * A bucket document and its results, written as soon as it is evaluated: its lines handed to the
   * file as one string, one await (not one per result: ~22 a bucket, 2.2 million at 100,000 buckets).
   */
  bucket(bucket: BucketDocument, results: readonly PolicyResult[]): Promise<void> {
    this.counts.buckets++;
    let text = this.encoder.bucketLine(bucket);
    for (const result of results) text += this.resultLine(result);
    return this.out.write(text);
  }

  /** A result on its own: after its bucket, or (no document for it) after the last bucket. */
  result(result: PolicyResult): Promise<void> {
    return this.out.write(this.resultLine(result));
  }

  private resultLine(result: PolicyResult): string {
    this.counts.results++;
    if (result.status === "fail") this.counts.failures++;
    return this.encoder.resultLine(result);
  }

  /** Writes the trailer and closes the file; the snapshot is complete only after this. */
  async finish(trailer: Omit<SnapshotTrailer, "counts">): Promise<void> {
    const { coverage, activeSuppressions, expiredSuppressions } = trailer;
    await this.line({ record: "trailer", coverage, ...(activeSuppressions === undefined ? {} : { activeSuppressions }), expiredSuppressions, counts: { ...this.counts } });
    await this.out.close();
  }

  /** Closes after a failure elsewhere; the caller removes the partial file. */
  abort(): Promise<void> {
    return this.out.destroy();
  }
}

/**
 * A whole in-memory snapshot (re-rendered by `report`, made by tests and the bench) in the record
 * format: buckets in (account, name) order, each followed by its results in their original order.
 */
export async function writeSnapshotJson(snapshot: Snapshot, file: string, options: SnapshotWriteOptions = {}): Promise<void> {
  const writer = new SnapshotWriter(file, options);
  try {
    await writer.header(snapshot);
    for (const account of snapshot.accounts) await writer.account(account);
    const byBucket = new Map<string, PolicyResult[]>();
    for (const result of snapshot.results) {
      const list = byBucket.get(result.bucketArn);
      if (list === undefined) byBucket.set(result.bucketArn, [result]);
      else list.push(result);
    }
    for (const bucket of [...snapshot.buckets].sort(bucketOrder)) {
      await writer.bucket(bucket, byBucket.get(bucket.arn) ?? []);
      byBucket.delete(bucket.arn);
    }
    for (const results of byBucket.values()) for (const result of results) await writer.result(result);
    await writer.finish(snapshot);
  } catch (error) {
    await writer.abort();
    throw outputError(file, error);
  }
}

/** A snapshot made by an older version (or by hand) may hold an endpoint with credentials: never copied on. */
const recordedScan = (scan: Snapshot["scan"]): Snapshot["scan"] =>
  scan.endpoint === null ? scan : { ...scan, endpoint: withoutUserInfo(scan.endpoint) };
