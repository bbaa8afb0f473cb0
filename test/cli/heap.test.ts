/**
 * What an audit holds per bucket until its end, in bytes, and how far the CLI lets the heap grow
 * past what it holds (docs/memory.md). Heap figures after a full GC: the scan's inventory entry is
 * the one structure kept for every bucket of the organization, so its size is the slope of the
 * audit's live memory; the growth factor turns that live memory into the process's peak.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { boundHeapGrowth, HEAP_GROWING_PERCENT } from "../../src/cli/heap.js";
import { UsageError } from "../../src/errors.js";
import { importable } from "../support/cli.js";

/**
 * Bytes of memory (heap and array buffers) one bucket's inventory entry may take, its name, its
 * destinations' names and its place in the hash table included: ~335 as a `Map` of small objects,
 * 90-105 packed and trimmed (src/scan/inventory.ts) on Node 20 here, where half the buckets name a
 * destination outside the organization (one more name each); ~75 when destinations are buckets.
 */
const INVENTORY_BYTES_PER_BUCKET = 120;

/**
 * Measured in a process of its own: in the test worker (shared by many files, `isolate: false`) the
 * heap after a GC still moved by megabytes with what earlier files left (CI on Node 22: -116 bytes a
 * bucket). The documents are made one at a time and dropped, as the scan drops them into its spool.
 * Its pages past the first 256 KiB are mapped outside malloc (scan/page-memory.ts), where
 * `arrayBuffers` does not see them: the inventory counts those itself.
 */
const INVENTORY_MODULE = importable("scan/inventory.ts");
const PER_BUCKET = `
import { Inventory } from ${JSON.stringify(INVENTORY_MODULE.file)};
import { inventoryEntry } from ${JSON.stringify(importable("scan/spool.ts").file)};
import { unreadBucketDocument } from ${JSON.stringify(importable("model/index.ts").file)};
/** The heap and the array buffers' bytes (the packed inventory's first pages live in these) left after a full GC. */
const heapAfterGc = () => {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
};
/** A bucket as the scan reads it: versioned, half of them replicating to one destination. */
function document(index, account) {
  const doc = unreadBucketDocument("bucket-" + String(index).padStart(6, "0") + "-" + account.id, index % 3 === 0 ? "eu-west-1" : "us-east-1", account);
  doc.versioning = { status: "Enabled", mfaDelete: "Disabled" };
  doc.collected = ["versioning", "replication", "encryption"];
  if (index % 2 === 0) {
    doc.replication = { configured: true, role: "arn:aws:iam::" + account.id + ":role/replication", rules: [{ destination: { bucket: "bucket-" + String(index + 1).padStart(6, "0") + "-" + account.id } }] };
  }
  return doc;
}
const accounts = Array.from({ length: 20 }, (_, i) => ({ id: String(100000000000 + i), name: "account-" + i, ouPath: "Root", tags: {} }));
const count = 20000;
const before = heapAfterGc();
const inventory = new Inventory();
for (let i = 0; i < count; i++) {
  const doc = document(i, accounts[i % accounts.length]);
  inventory.set(doc.name, inventoryEntry(doc));
}
const heap = heapAfterGc() - before;
console.log(JSON.stringify({ size: inventory.size, count, heap, mapped: inventory.mappedBytes }));
`;

describe("audit/memory per bucket", () => {
  it(`keeps at most ${INVENTORY_BYTES_PER_BUCKET} bytes of heap per bucket in the scan's inventory`, () => {
    const run = spawnSync(process.execPath, ["--expose-gc", ...INVENTORY_MODULE.nodeArgs, "--input-type=module", "-e", PER_BUCKET], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const { size, count, heap, mapped } = JSON.parse(run.stdout) as { size: number; count: number; heap: number; mapped: number };
    expect(size).toBe(count);
    expect(mapped).toBeGreaterThan(0);
    const perBucket = (heap + mapped) / count;
    expect(perBucket).toBeGreaterThan(0);
    expect(perBucket).toBeLessThanOrEqual(INVENTORY_BYTES_PER_BUCKET);
  });
});

/**
 * A process holding ~15 MB that keeps promoting garbage (each batch outlives a young-generation
 * collection), as the audit does; prints its peak heap size. V8's own growth let it reach ~180 MB
 * on Node 20; the fixed factor keeps it under ~100 MB.
 */
const HEAP_MODULE = importable("cli/heap.ts");
const CHURN = `
import { getHeapStatistics } from "node:v8";
import { boundHeapGrowth } from ${JSON.stringify(HEAP_MODULE.file)};
boundHeapGrowth();
const live = [];
for (let i = 0; i < 150000; i++) live.push({ name: "bucket-" + i, a: [i] });
let peak = 0;
let previous = [];
for (let round = 0; round < 20; round++) {
  const batch = [];
  for (let i = 0; i < 100000; i++) batch.push({ x: i, y: "s" + i, z: [i] });
  previous = batch;
  peak = Math.max(peak, getHeapStatistics().total_heap_size);
}
console.log(JSON.stringify({ peak, live: live.length, previous: previous.length }));
`;

describe("audit/boundHeapGrowth", () => {
  it("keeps a process that promotes garbage fast within 1.25 × its live heap plus the young generation", () => {
    const run = spawnSync(process.execPath, [...HEAP_MODULE.nodeArgs, "--input-type=module", "-e", CHURN], { encoding: "utf8", env: { ...process.env, REPLGUARD_HEAP_GROWING_PERCENT: "" } });
    expect(run.stderr).toBe("");
    const { peak } = JSON.parse(run.stdout) as { peak: number };
    expect(peak / 2 ** 20).toBeLessThan(130);
  });


  it("sets V8's old-generation growth to a fixed factor, V8's own with 0, and refuses anything else", () => {
    try {
      expect(boundHeapGrowth({})).toBe(HEAP_GROWING_PERCENT);
      expect(HEAP_GROWING_PERCENT).toBeLessThanOrEqual(50);
      expect(boundHeapGrowth({ REPLGUARD_HEAP_GROWING_PERCENT: "60" })).toBe(60);
      expect(() => boundHeapGrowth({ REPLGUARD_HEAP_GROWING_PERCENT: "lots" })).toThrow(UsageError);
      expect(() => boundHeapGrowth({ REPLGUARD_HEAP_GROWING_PERCENT: "-5" })).toThrow(/REPLGUARD_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, got "-5"/);
    } finally {
      // This test process gets V8's own heuristics back.
      expect(boundHeapGrowth({ REPLGUARD_HEAP_GROWING_PERCENT: "0" })).toBe(0);
    }
  });
});
