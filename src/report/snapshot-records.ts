/**
 * Reading a snapshot file as a stream of records, whatever it is: a 2.x NDJSON file (one record a
 * line, checked against `$defs/record` line by line and against the trailer's counts at the end), a
 * 1.x JSON document (parsed whole, then handed out as records), either of them gzipped (told by the
 * magic bytes, not the name). Every problem is a SnapshotError naming the file (and the line).
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { SnapshotError } from "../errors.js";
import type { BucketDocument, PolicyResult, Snapshot, SnapshotRecord } from "../model/index.js";
import { bucketOrder, SNAPSHOT_SCHEMA_VERSION } from "../model/index.js";
import { schemaProblem, shippedValidator } from "../schemas.js";
import { snapshotLineBatches } from "./snapshot-lines.js";
import { parseSnapshotStream } from "./snapshot-parse.js";
import { validateSnapshot } from "./snapshot-validate.js";

const MAJOR = SNAPSHOT_SCHEMA_VERSION.split(".")[0]!;

/** The file's bytes, gunzipped when it starts with gzip's magic number (1f 8b). */
export async function openSnapshotStream(file: string): Promise<Readable> {
  const handle = await open(file, "r");
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const raw = createReadStream(file);
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** A snapshot file opened: a 2.x stream of records, or a 1.x document already parsed and validated. */
export type OpenedSnapshot = { format: 2; records: AsyncGenerator<SnapshotRecord> } | { format: 1; snapshot: Snapshot };

/** A header record is a few KiB (the policy list); a first line longer than this is a 1.x document. */
const SNIFF_CHARS = 1 << 20;

/** The first line of the (gunzipped) file, or its first MiB, to tell the format: a record line or a 1.x document. */
async function sniff(file: string): Promise<string> {
  const stream = await openSnapshotStream(file);
  stream.setEncoding("utf8");
  let text = "";
  try {
    for await (const chunk of stream) {
      text += chunk as string;
      if (text.includes("\n") || text.length >= SNIFF_CHARS) break;
    }
  } finally {
    stream.destroy();
  }
  return text.replace(/^\uFEFF/, "");
}

export interface ReadOptions {
  /** Check each 2.x record against the schema (default). A file already read once may skip it. */
  validate?: boolean;
}

/** Opens a snapshot and tells its format from its first characters. */
export async function openSnapshot(file: string, options: ReadOptions = {}): Promise<OpenedSnapshot> {
  let start: string;
  try {
    start = await sniff(file);
  } catch (cause) {
    throw readError(file, cause);
  }
  if (isRecordLine(start)) {
    const input = await openSnapshotStream(file);
    return { format: 2, records: recordsOf(file, new LineSource(snapshotLineBatches(input)), options.validate ?? true) };
  }
  // Not a record: a 1.x document (any layout) or not a snapshot at all; the whole-document parser says which.
  let value: unknown;
  try {
    value = await parseSnapshotStream(file, () => openSnapshotStream(file));
  } catch (cause) {
    throw readError(file, cause);
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === "string" && !version.startsWith("1.")) {
    // A 2.x snapshot is records, never one document: this file is from another replguard, or made by hand.
    throw new SnapshotError(`${file}: snapshot format ${version} is not readable by this replguard as one JSON document (it reads 1.x documents and ${MAJOR}.x record files)`, {
      file,
      pointer: "/schemaVersion",
    });
  }
  return { format: 1, snapshot: validateSnapshot(value, file) };
}

/** Whether the text starts with a whole line holding a JSON object with a `record` member (in any key order). */
function isRecordLine(text: string): boolean {
  const end = text.indexOf("\n");
  if (end < 0) return false;
  try {
    const value = JSON.parse(text.slice(0, end)) as unknown;
    return typeof value === "object" && value !== null && "record" in value;
  } catch {
    return false;
  }
}

/** Every record of any snapshot file: a 1.x document is handed out in the 2.x order. */
export async function* snapshotRecords(file: string, options: ReadOptions = {}): AsyncGenerator<SnapshotRecord> {
  const opened = await openSnapshot(file, options);
  if (opened.format === 2) yield* opened.records;
  else yield* recordsOfSnapshot(opened.snapshot);
}

/** A snapshot in memory as records, each bucket followed by its results. */
export function* recordsOfSnapshot(snapshot: Snapshot): Generator<SnapshotRecord> {
  const { kind, schemaVersion, bucketDocumentSchemaVersion, tool, scan, configHash, failOn, policies } = snapshot;
  yield { record: "header", kind, schemaVersion, bucketDocumentSchemaVersion, tool, scan, configHash, failOn, policies };
  for (const account of snapshot.accounts) yield { record: "account", account };
  const byBucket = new Map<string, PolicyResult[]>();
  for (const result of snapshot.results) {
    const list = byBucket.get(result.bucketArn);
    if (list === undefined) byBucket.set(result.bucketArn, [result]);
    else list.push(result);
  }
  for (const bucket of [...snapshot.buckets].sort(bucketOrder)) {
    yield { record: "bucket", bucket };
    for (const result of byBucket.get(bucket.arn) ?? []) yield { record: "result", result };
    byBucket.delete(bucket.arn);
  }
  for (const results of byBucket.values()) for (const result of results) yield { record: "result", result };
  const { coverage, activeSuppressions, expiredSuppressions } = snapshot;
  const counts = { accounts: snapshot.accounts.length, buckets: snapshot.buckets.length, results: snapshot.results.length };
  yield { record: "trailer", coverage, ...(activeSuppressions === undefined ? {} : { activeSuppressions }), expiredSuppressions, counts };
}

/** Where a record may stand: header first, accounts before buckets, nothing after the trailer. */
const STAGE: Record<SnapshotRecord["record"], number> = { header: 0, account: 1, bucket: 2, result: 2, trailer: 3 };

/** The lines of the file's chunks one by one: awaits only when a chunk's lines are used up. */
class LineSource {
  private batch: string[] = [];
  private at = 0;

  constructor(private readonly batches: AsyncGenerator<string[], void, undefined>) {}

  /** The next line held from the current chunk, if any (no await). */
  take(): string | undefined {
    return this.at < this.batch.length ? this.batch[this.at++] : undefined;
  }

  /** The next line, reading chunks as needed; null at the end of the file. */
  async next(): Promise<string | null> {
    for (;;) {
      const line = this.take();
      if (line !== undefined) return line;
      const next = await this.batches.next();
      if (next.done === true) return null;
      this.batch = next.value;
      this.at = 0;
    }
  }

  async close(): Promise<void> {
    await this.batches.return();
  }
}

async function* recordsOf(file: string, lines: LineSource, check: boolean): AsyncGenerator<SnapshotRecord> {
  // Compiled only when the records are checked: the report worker (which skips the check) would
  // otherwise spend ~0.5 s of CPU compiling the record schema in its fresh isolate, for nothing.
  const validate = check ? shippedValidator("snapshot-record.schema.json", ["bucket-document.schema.json", "snapshot.schema.json"]) : null;
  const counts = { accounts: 0, buckets: 0, results: 0 };
  let stage = -1;
  let lineNumber = 0;
  let trailer: Extract<SnapshotRecord, { record: "trailer" }> | null = null;
  let previous: BucketDocument | null = null;
  // The line an error names, built for the error, not for every record.
  const where = (): string => `${file}:${lineNumber}`;
  try {
    for (;;) {
      const line =
        lines.take() ??
        (await lines.next().catch((cause: unknown) => {
          throw truncated(file, lineNumber, counts, cause);
        }));
      if (line === null) break;
      const text = lineNumber === 0 ? line.replace(/^\uFEFF/, "") : line;
      lineNumber++;
      if (text.trim() === "") continue;
      if (trailer !== null) throw new SnapshotError(`${where()}: content after the trailer record: not one snapshot`, { file, pointer: "" });
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (cause) {
        // A last line cut in the middle is a truncated file; a bad line with more after it is corruption.
        const next = await lines.next().catch(() => null);
        if (next === null) throw truncated(file, lineNumber, counts, cause, true);
        throw new SnapshotError(`${where()}: not valid JSON: ${(cause as Error).message}`, { file, pointer: "", cause });
      }
      const kind = (value as { record?: unknown } | null)?.record;
      if (kind === "header") checkVersion(file, (value as { schemaVersion?: unknown }).schemaVersion);
      if (validate !== null && !validate(value)) {
        const { pointer, message } = schemaProblem(validate.errors);
        throw new SnapshotError(`${where()}: invalid snapshot record at ${pointer || "/"}: ${message}`, { file, pointer });
      }
      const record = value as SnapshotRecord;
      const recordStage = STAGE[record.record];
      if (stage === -1 && record.record !== "header") throw new SnapshotError(`${where()}: the first record must be the header`, { file, pointer: "" });
      if (recordStage < stage || (record.record === "header" && stage !== -1)) {
        throw new SnapshotError(`${where()}: a ${record.record} record out of order (header, accounts, buckets and results, trailer)`, { file, pointer: "" });
      }
      stage = recordStage;
      if (record.record === "account") counts.accounts++;
      else if (record.record === "bucket") {
        // Reports and drift merge on this order: a file out of it would be misread, so it is refused.
        if (previous !== null && bucketOrder(previous, record.bucket) >= 0) {
          throw new SnapshotError(`${where()}: bucket ${record.bucket.arn} out of order: buckets are sorted by account id, then name, each once`, { file, pointer: "" });
        }
        previous = record.bucket;
        counts.buckets++;
      }
      else if (record.record === "result") counts.results++;
      else if (record.record === "trailer") trailer = record;
      yield record;
    }
  } finally {
    await lines.close();
  }
  if (trailer === null) throw truncated(file, lineNumber, counts);
  const expected = trailer.counts;
  if (expected.accounts !== counts.accounts || expected.buckets !== counts.buckets || expected.results !== counts.results) {
    throw new SnapshotError(
      `${file}: the trailer counts ${expected.buckets} buckets and ${expected.results} results but the file holds ${counts.buckets} and ${counts.results}: records are missing`,
      { file, pointer: "" },
    );
  }
}

function checkVersion(file: string, version: unknown): void {
  if (typeof version === "string" && !version.startsWith(`${MAJOR}.`)) {
    throw new SnapshotError(`${file}: snapshot format ${version} is not readable by this replguard (it reads 1.x and ${MAJOR}.x)`, { file, pointer: "/schemaVersion" });
  }
}

const truncated = (file: string, line: number, counts: { buckets: number }, cause?: unknown, midLine = false): SnapshotError =>
  new SnapshotError(`${file}: ${midLine ? `not valid JSON: line ${line} is cut short: ` : ""}the file is truncated: it ends at line ${line} after ${counts.buckets} buckets, without the trailer record`, {
    file,
    pointer: "",
    ...(cause === undefined ? {} : { cause }),
  });

function readError(file: string, cause: unknown): SnapshotError {
  if (cause instanceof SnapshotError) return cause;
  const error = cause as NodeJS.ErrnoException;
  // zlib's "unexpected end of file": a gzip cut short.
  if (error.code === "Z_BUF_ERROR") return new SnapshotError(`${file}: the gzip file is truncated`, { file, pointer: "", cause });
  return new SnapshotError(`cannot read snapshot ${file}: ${error.message}`, { file, cause, ...(error.code ? { code: error.code } : {}) });
}
