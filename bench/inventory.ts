/**
 * What the scan keeps per bucket until its end, measured alone: the packed inventory
 * (src/scan/inventory.ts), the destinations' patches and the sources of each destination
 * (src/scan/resolution-tables.ts), in bytes of heap and array buffers after a full GC, for an
 * organization shaped like the generated one (35% of the buckets replicate to one of ten archive
 * buckets, 15% to a sibling, 3% to a missing bucket). Figures, never asserted. Also the transient
 * peak: the most heap + array buffers seen (no GC forced) while filling it and building the
 * resolution's tables, where columns grown by copying were there twice (docs/memory.md). And the
 * reads of the inventory's names' file (src/scan/name-file.ts) while filling it and while reading it back.
 *
 *   node --expose-gc --import tsx bench/inventory.ts --buckets 200000 --accounts 100
 *
 * Run it at two sizes and shapes (one account of many buckets, many accounts): the bytes per
 * bucket should stay the same (docs/memory.md).
 */
import { unreadBucketDocument, type AccountRef, type BucketDocument } from "../src/model/index.js";
import { Inventory } from "../src/scan/inventory.js";
import { Patches, ReplicatedFrom } from "../src/scan/resolution-tables.js";
import { inventoryEntry } from "../src/scan/spool.js";
import { numberFlag } from "./flags.js";

const gc = globalThis.gc;
if (gc === undefined) {
  console.error("bench/inventory.ts: run it with node --expose-gc");
  process.exit(2);
}
/** Heap and array buffers after a full GC, and the tables' pages mapped outside malloc, which `arrayBuffers` does not count (scan/page-memory.ts). */
const held = (): number => {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers + mappedBytes();
};

const count = numberFlag("buckets", 200_000);
const accountCount = numberFlag("accounts", 100);
const accounts: AccountRef[] = Array.from({ length: accountCount }, (_, i) => ({ id: String(100000000000 + i), name: `account-${i}`, ouPath: "Root", tags: {} }));
const nameOf = (i: number): string => `workload-${String(i).padStart(7, "0")}-${accounts[i % accountCount]!.id}`;

function document(i: number): BucketDocument {
  const doc = unreadBucketDocument(nameOf(i), ["us-east-1", "eu-west-1", "ap-south-1"][i % 3]!, accounts[i % accountCount]!);
  doc.versioning = { status: "Enabled", mfaDelete: "Disabled" } as BucketDocument["versioning"];
  doc.collected = ["versioning", "replication", "encryption"];
  const roll = (i * 7919) % 100;
  const destination = roll < 35 ? `archive-${i % 10}` : roll < 50 ? nameOf(i + 1) : roll < 53 ? `${nameOf(i)}-gone` : null;
  if (destination !== null) doc.replication = { configured: true, role: "r", rules: [{ destination: { bucket: destination } }] } as unknown as BucketDocument["replication"];
  return doc;
}

// Made before the first measure (their empty tables: a few KiB), so that it can count their mapped pages.
const inventory = new Inventory();
const patches = new Patches(inventory);
let replicatedFrom: ReplicatedFrom | null = null;
function mappedBytes(): number {
  return inventory.mappedBytes + patches.mappedBytes + (replicatedFrom?.mappedBytes ?? 0);
}
const before = held();
const rssBefore = process.memoryUsage().rss;
/** The transient peak: sampled every 1,024 entries and at each step, garbage included. */
let peak = 0;
const sample = (): void => {
  const memory = process.memoryUsage();
  peak = Math.max(peak, memory.heapUsed + memory.arrayBuffers + mappedBytes());
};
/** CPU milliseconds of each step (fill, tables, gets, names in order). */
const cpu: Record<string, number> = {};
let stepStart = process.cpuUsage();
const step = (name: string): void => {
  const used = process.cpuUsage(stepStart);
  cpu[name] = (used.user + used.system) / 1e3;
  stepStart = process.cpuUsage();
};
/** Reads of the names' file (src/scan/name-file.ts; none where the names are in memory, as before it). */
const reads = (): { count: number; bytes: number } => (inventory as { nameReads?: { count: number; bytes: number } }).nameReads ?? { count: 0, bytes: 0 };
const patch = { fields: { objectLock: null }, errors: [], collected: ["objectLock" as const] };
for (let i = 0; i < 10; i++) inventory.set(`archive-${i}`, inventoryEntry(unreadBucketDocument(`archive-${i}`, "us-east-1", accounts[0]!)));
// One document at a time, dropped after its entry, as the scan drops them into its spool.
for (let i = 0; i < count; i++) {
  const doc = document(i);
  inventory.set(doc.name, inventoryEntry(doc));
  // The early batches' patches, set while the inventory grows (each sibling destination of the ones before).
  if (i > 0 && (((i - 1) * 7919) % 100 >= 35 && ((i - 1) * 7919) % 100 < 50)) patches.set(doc.name, { ...patch });
  if ((i & 1023) === 0) sample();
}
// The scan's trim before resolution, where the code still has one (a no-op with paged columns).
(inventory as unknown as { trim?: () => void }).trim?.();
(patches as unknown as { trim?: () => void }).trim?.();
sample();
step("fill");
const fillReads = reads();
replicatedFrom = ReplicatedFrom.of(inventory);
sample();
step("tables");
const tableReads = reads();
// Lookups: every bucket's entry read back by name (the hot `idOf`), as resolution and the handoff do.
for (let i = 0; i < count; i++) if (inventory.get(nameOf(i)) === undefined) throw new Error(`lost ${nameOf(i)}`);
step("gets");
const getReads = reads();
// And a fifth of them again out of order, as lookups of other accounts' buckets come (a read each, where the names are on disk).
const stride = 7919;
for (let k = 0; k < count / 5; k++) if (inventory.get(nameOf((k * stride) % count)) === undefined) throw new Error("lost");
step("scattered gets");
const scatteredReads = reads();
// Every bucket's name in first-set order, as the shard's record and the probes' claims read them.
let named = 0;
for (const name of inventory.keys()) named += name.length;
step("names");
const nameReads = reads();
const after = held();
const rssAfter = process.memoryUsage().rss;
const destinations = replicatedFrom.size;
replicatedFrom = null; // measured after without it: the inventory and the patches alone
const afterInventory = held();
const perBucket = (bytes: number): string => (bytes / count).toFixed(1);
const readsOf = (now: { count: number; bytes: number }, then: { count: number; bytes: number }): string => `${now.count - then.count} (${((now.bytes - then.bytes) / 2 ** 20).toFixed(1)} MB)`;
console.log(
  `inventory bench: ${count} buckets in ${accountCount} accounts (${inventory.size} entries, ${destinations} destinations, ${patches.size} patched): ` +
    `inventory and patches ${perBucket(afterInventory - before)} B/bucket, sources of destinations ${perBucket(after - afterInventory)} B/bucket, ` +
    `together ${perBucket(after - before)} B/bucket (${((after - before) / 2 ** 20).toFixed(1)} MB); ` +
    `RSS +${((rssAfter - rssBefore) / 2 ** 20).toFixed(1)} MB over the start (after GCs: what was freed into malloc's arena included); ` +
    `transient peak ${((peak - before) / 2 ** 20).toFixed(1)} MB (${perBucket(peak - before)} B/bucket) over the start, garbage included; ` +
    `CPU ms: ${Object.entries(cpu).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(", ")} (${named} characters named in order); ` +
    `names' file reads: fill ${readsOf(fillReads, { count: 0, bytes: 0 })}, tables ${readsOf(tableReads, fillReads)}, gets ${readsOf(getReads, tableReads)}, scattered gets ${readsOf(scatteredReads, getReads)}, names ${readsOf(nameReads, scatteredReads)}`,
);
(inventory as { close?: () => void }).close?.();
