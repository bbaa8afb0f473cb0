/**
 * Reading a whole snapshot into memory (small snapshots, tests, `drift --terraform`): any format
 * snapshot-records.ts reads, assembled into one `Snapshot`. Reports and drift stream the records instead.
 */
import type { Snapshot } from "../model/index.js";
import { openSnapshot } from "./snapshot-records.js";

export { validateSnapshot } from "./snapshot-validate.js";

/** Reads, parses and validates a snapshot file (2.x records or a 1.x document, gzipped or not). */
export async function readSnapshot(file: string): Promise<Snapshot> {
  const opened = await openSnapshot(file);
  if (opened.format === 1) return opened.snapshot;
  const snapshot = { accounts: [], buckets: [], results: [] } as unknown as Snapshot;
  for await (const record of opened.records) {
    switch (record.record) {
      case "header": {
        const { record: _, ...header } = record;
        Object.assign(snapshot, header);
        break;
      }
      case "account":
        snapshot.accounts.push(record.account);
        break;
      case "bucket":
        snapshot.buckets.push(record.bucket);
        break;
      case "result":
        snapshot.results.push(record.result);
        break;
      case "trailer": {
        const { record: _, counts: __, ...trailer } = record;
        Object.assign(snapshot, trailer);
        break;
      }
    }
  }
  return snapshot;
}
