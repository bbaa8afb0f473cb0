/**
 * `--baseline latest`: the newest snapshot.json in the folders beside this run's report folder
 * (`reports/<timestamp>/snapshot.json` for a scheduled job writing `--out reports/<timestamp>/`).
 * "Newest" is the snapshot's own `scan.finishedAt`, not the file's mtime: a copied or restored
 * folder keeps the time of its scan. The current run's folder is never a candidate.
 */
import { open, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { snapshotRecords } from "../report/index.js";

/** File names a snapshot is written under, plain first. */
const SNAPSHOT_NAMES = ["snapshot.json", "snapshot.json.gz"] as const;

/** Bytes read from the head of each candidate: the writer puts `scan` before the large arrays. */
const HEAD_BYTES = 64 * 1024;

async function headOf(file: string): Promise<string | null> {
  try {
    const handle = await open(file, "r");
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return null; // no snapshot.json in that folder
  }
}

/** `scan.finishedAt` from a snapshot's head, or from the whole file when its layout is another (e.g. `jq .` put keys elsewhere). */
async function finishedAt(file: string): Promise<string | null> {
  const head = await headOf(file);
  if (head === null) return null;
  const match = /"kind"\s*:\s*"replguard-snapshot"[\s\S]*?"scan"\s*:\s*\{[^{}]*?"finishedAt"\s*:\s*"([^"]+)"/.exec(head);
  if (match) return match[1]!;
  try {
    // Gzipped, or another layout: the first record (2.x) is read alone; a 1.x document is read whole.
    for await (const record of snapshotRecords(file)) return record.record === "header" ? record.scan.finishedAt : null;
    return null;
  } catch {
    return null; // not a replguard snapshot: not a candidate
  }
}

/** Every snapshot in a subfolder of `parent` other than `exclude`, with its scan's finish time, newest first. */
async function snapshotsBeside(parent: string, exclude: string): Promise<{ file: string; finishedAt: string; at: number }[]> {
  let names: string[];
  try {
    names = (await readdir(parent, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const found: { file: string; finishedAt: string; at: number }[] = [];
  for (const name of names.sort()) {
    const dir = join(parent, name);
    if (resolve(dir) === resolve(exclude)) continue;
    for (const file of SNAPSHOT_NAMES.map((n) => join(dir, n))) {
      const text = await finishedAt(file);
      const at = text === null ? Number.NaN : Date.parse(text);
      if (text !== null && Number.isFinite(at)) found.push({ file, finishedAt: text, at });
    }
  }
  return found.sort((a, b) => b.at - a.at);
}

/** The newest snapshot.json in a subfolder of `parent` other than `exclude`, or null when there is none. */
export async function findLatestSnapshot(parent: string, exclude: string): Promise<string | null> {
  return (await snapshotsBeside(parent, exclude))[0]?.file ?? null;
}

/** One earlier run's failures, for the report's trend. */
export interface FailurePoint {
  finishedAt: string;
  failures: number;
}

/** Bytes read from the end of a plain snapshot: the trailer is its last line. */
const TAIL_BYTES = 64 * 1024;

/** `counts.failures` of a snapshot's trailer (2.1+), or null (older, or not readable). */
async function failuresOf(file: string): Promise<number | null> {
  try {
    if (file.endsWith(".gz")) {
      // Gzipped: streamed to the trailer (time grows with the file, memory does not).
      for await (const record of snapshotRecords(file, { validate: false })) if (record.record === "trailer") return record.counts.failures ?? null;
      return null;
    }
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const last = buffer.toString("utf8").trimEnd().split("\n").at(-1) ?? "";
      const trailer = JSON.parse(last) as { record?: string; counts?: { failures?: unknown } };
      return trailer.record === "trailer" && typeof trailer.counts?.failures === "number" ? trailer.counts.failures : null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/**
 * The failures of the last `limit` runs beside the report folder, oldest first: the report's trend
 * (with `--baseline latest`, the folders a scheduled job writes). Snapshots older than 2.1 carry no
 * count in their trailer and are left out.
 */
export async function failureHistory(parent: string, exclude: string, limit = 10): Promise<FailurePoint[]> {
  const points: FailurePoint[] = [];
  for (const { file, finishedAt } of await snapshotsBeside(parent, exclude)) {
    if (points.length >= limit) break;
    const failures = await failuresOf(file);
    if (failures !== null) points.push({ finishedAt, failures });
  }
  return points.reverse();
}
