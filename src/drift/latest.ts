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

/** The newest snapshot.json in a subfolder of `parent` other than `exclude`, or null when there is none. */
export async function findLatestSnapshot(parent: string, exclude: string): Promise<string | null> {
  let names: string[];
  try {
    names = (await readdir(parent, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return null;
  }
  let best: { file: string; at: number } | null = null;
  for (const name of names.sort()) {
    const dir = join(parent, name);
    if (resolve(dir) === resolve(exclude)) continue;
    for (const file of SNAPSHOT_NAMES.map((n) => join(dir, n))) {
      const text = await finishedAt(file);
      const at = text === null ? Number.NaN : Date.parse(text);
      if (Number.isFinite(at) && (best === null || at > best.at)) best = { file, at };
    }
  }
  return best?.file ?? null;
}
