/**
 * What the scan keeps per bucket until its end, measured alone: the packed inventory
 * (src/scan/inventory.ts, trimmed as the scan trims it) and the sources of each destination
 * (src/scan/resolution-tables.ts), in bytes of heap and array buffers after a full GC, for an
 * organization shaped like the generated one (35% of the buckets replicate to one of ten archive
 * buckets, 15% to a sibling, 3% to a missing bucket). Figures, never asserted.
 *
 *   node --expose-gc --import tsx bench/inventory.ts --buckets 200000 --accounts 100
 *
 * Run it at two sizes and shapes (one account of many buckets, many accounts): the bytes per
 * bucket should stay the same (docs/memory.md).
 */
import { unreadBucketDocument, type AccountRef, type BucketDocument } from "../src/model/index.js";
import { Inventory } from "../src/scan/inventory.js";
import { ReplicatedFrom } from "../src/scan/resolution-tables.js";
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
const inventory = new Inventory();
for (let i = 0; i < 10; i++) inventory.set(`archive-${i}`, inventoryEntry(unreadBucketDocument(`archive-${i}`, "us-east-1", accounts[0]!)));
// One document at a time, dropped after its entry, as the scan drops them into its spool.
for (let i = 0; i < count; i++) {
  const doc = document(i);
  inventory.set(doc.name, inventoryEntry(doc));
}
inventory.trim();
const afterInventory = held();
const replicatedFrom = ReplicatedFrom.of(inventory);
const after = held();
const perBucket = (bytes: number): string => (bytes / count).toFixed(1);
console.log(
  `inventory bench: ${count} buckets in ${accountCount} accounts (${inventory.size} entries, ${replicatedFrom.size} destinations): ` +
    `inventory ${perBucket(afterInventory - before)} B/bucket, sources of destinations ${perBucket(after - afterInventory)} B/bucket, ` +
    `together ${perBucket(after - before)} B/bucket (${((after - before) / 2 ** 20).toFixed(1)} MB)`,
);
