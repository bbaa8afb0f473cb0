/**
 * `snapshot.json`, written as a stream: the small top-level fields first, then each large array one
 * element per line, so memory stays flat at 100,000 buckets × 14 policies and a diff of two
 * snapshots shows one changed bucket or result per line.
 */
import type { Snapshot } from "../model/index.js";
import { withReportFile, type ReportFileWriter } from "./output-stream.js";
import { withoutUserInfo } from "../url.js";

/** Arrays written element by element; everything else is small and written whole. */
const STREAMED_ARRAYS = ["accounts", "buckets", "results"] as const satisfies readonly (keyof Snapshot)[];
type StreamedArray = (typeof STREAMED_ARRAYS)[number];

/** Top-level key order of the file (the order of the `Snapshot` type). */
const KEY_ORDER: readonly (keyof Snapshot)[] = [
  "kind",
  "schemaVersion",
  "bucketDocumentSchemaVersion",
  "tool",
  "scan",
  "configHash",
  "failOn",
  "policies",
  "coverage",
  "accounts",
  "buckets",
  "results",
  "activeSuppressions",
  "expiredSuppressions",
];

export async function writeSnapshotJson(snapshot: Snapshot, file: string): Promise<void> {
  await withReportFile(file, async (out) => {
    await out.write("{\n");
    // Optional fields (activeSuppressions of an older snapshot re-rendered) are left out, not written as `undefined`.
    const keys = KEY_ORDER.filter((key) => snapshot[key] !== undefined);
    for (const [index, key] of keys.entries()) {
      const separator = index === keys.length - 1 ? "\n" : ",\n";
      await out.write(`  ${JSON.stringify(key)}: `);
      if (isStreamed(key)) await writeArray(out, snapshot[key]);
      else await out.write(JSON.stringify(key === "scan" ? recordedScan(snapshot.scan) : snapshot[key]));
      await out.write(separator);
    }
    await out.write("}\n");
  });
}

const isStreamed = (key: keyof Snapshot): key is StreamedArray => (STREAMED_ARRAYS as readonly string[]).includes(key);

async function writeArray(out: ReportFileWriter, items: readonly unknown[]): Promise<void> {
  if (items.length === 0) {
    await out.write("[]");
    return;
  }
  await out.write("[\n");
  for (const [index, item] of items.entries()) {
    await out.write(`    ${JSON.stringify(item)}${index === items.length - 1 ? "\n" : ",\n"}`);
  }
  await out.write("  ]");
}

/** A snapshot made by an older version (or by hand) may hold an endpoint with credentials: never copied on. */
const recordedScan = (scan: Snapshot["scan"]): Snapshot["scan"] =>
  scan.endpoint === null ? scan : { ...scan, endpoint: withoutUserInfo(scan.endpoint) };
