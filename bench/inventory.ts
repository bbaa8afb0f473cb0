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
const held = (): number => {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
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

const before = held();
/** The transient peak: sampled every 1,024 entries and at each step, garbage included. */
let peak = 0;
const sample = (): void => {
  const memory = process.memoryUsage();
  peak = Math.max(peak, memory.heapUsed + memory.arrayBuffers);
};
const cpuStart = process.cpuUsage();
const inventory = new Inventory();
const patches = new Patches(inventory);
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
const fillReads = inventory.nameReads;
const fillCpu = process.cpuUsage(cpuStart);
let replicatedFrom: ReplicatedFrom | null = ReplicatedFrom.of(inventory);
sample();
// Filling and lookups: every bucket's entry read back by name (the hot `idOf`), as resolution does.
for (let i = 0; i < count; i++) if (inventory.get(nameOf(i)) === undefined) throw new Error(`lost ${nameOf(i)}`);
// And every bucket's name in first-set order, as the shard's record and the probes' claims read them.
let named = 0;
for (const name of inventory.keys()) named += name.length;
const cpu = process.cpuUsage(cpuStart);
const allReads = inventory.nameReads;
const after = held();
const destinations = replicatedFrom.size;
replicatedFrom = null; // measured after without it: the inventory and the patches alone
const afterInventory = held();
const perBucket = (bytes: number): string => (bytes / count).toFixed(1);
console.log(
  `inventory bench: ${count} buckets in ${accountCount} accounts (${inventory.size} entries, ${destinations} destinations, ${patches.size} patched): ` +
    `inventory and patches ${perBucket(afterInventory - before)} B/bucket, sources of destinations ${perBucket(after - afterInventory)} B/bucket, ` +
    `together ${perBucket(after - before)} B/bucket (${((after - before) / 2 ** 20).toFixed(1)} MB); ` +
    `transient peak ${((peak - before) / 2 ** 20).toFixed(1)} MB (${perBucket(peak - before)} B/bucket) over the start, garbage included; ` +
    `CPU ${((cpu.user + cpu.system) / 1e3).toFixed(0)} ms (fill, tables, a get per bucket, the names in order; the fill alone ${((fillCpu.user + fillCpu.system) / 1e3).toFixed(0)} ms); ` +
    `names' file: ${fillReads.count} reads (${fillReads.bytes} B) filling it, ${allReads.count - fillReads.count} reads (${allReads.bytes - fillReads.bytes} B) after (${named} characters named)`,
);
inventory.close();
