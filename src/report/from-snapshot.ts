/**
 * Rendering the reports from a snapshot file (what `audit` does after writing it, and `report`).
 */
import type { Drift } from "../model/index.js";
import { SnapshotError } from "../errors.js";
import { readSnapshot } from "./read-snapshot.js";
import { openSnapshot } from "./snapshot-records.js";
import type { ReportDir } from "./report-dir.js";
import type { WriteReportsOptions, WrittenReport } from "./types.js";
import { writeReports } from "./index.js";

export interface SnapshotReportsOptions extends Omit<WriteReportsOptions, "baseline"> {
  dir?: ReportDir;
  /** The baseline snapshot file and the drift from it: SARIF, HTML and the drift documents carry it. */
  baselineFile?: string;
  drift?: Drift;
}

/** Opens a snapshot and reads its header (a 1.x document: all of it), so a bad file fails before a scan. */
export async function checkSnapshotFile(file: string): Promise<void> {
  const opened = await openSnapshot(file);
  if (opened.format === 1) return;
  const first = await opened.records.next();
  await opened.records.return(undefined);
  if (first.done === true) throw new SnapshotError(`${file}: empty: not a replguard snapshot`, { file, pointer: "" });
}

export async function writeReportsFromSnapshot(file: string, options: SnapshotReportsOptions): Promise<WrittenReport[]> {
  const { baselineFile, drift, ...rest } = options;
  const snapshot = await readSnapshot(file);
  const baseline = baselineFile !== undefined && drift !== undefined ? { snapshot: await readSnapshot(baselineFile), drift } : undefined;
  return writeReports(snapshot, { ...rest, ...(baseline === undefined ? {} : { baseline }) });
}
