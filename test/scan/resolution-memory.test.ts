/**
 * What destination resolution and the spool hold at a million buckets (docs/memory.md "A million
 * buckets, flat"): the early access batches' destination patches in the inventory-id table the
 * resolution goes on filling (no `Map` by name beside it), and a block's JSON encoded in bounded
 * pieces (never one string of an account's documents).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { AccountRef, BucketDocument } from "../../src/model/index.js";
import { unreadBucketDocument } from "../../src/model/index.js";
import { Inventory } from "../../src/scan/inventory.js";
import { HeadAnswers, Patches, ReplicatedFrom } from "../../src/scan/resolution-tables.js";
import { DocumentSpool, ENCODE_SLICE, encode, inventoryEntry } from "../../src/scan/spool.js";

const account: AccountRef = { id: "111111111111", name: "a", ouPath: "", tags: {} };
const bucket = (name: string, destinations: string[] = []): BucketDocument => {
  const doc = unreadBucketDocument(name, "us-east-1", account);
  if (destinations.length > 0) {
    doc.replication = { configured: true, role: "arn:aws:iam::111111111111:role/r", rules: destinations.map((bucket) => ({ destination: { bucket } })) } as unknown as BucketDocument["replication"];
  }
  return doc;
};

describe("the destinations' patches", () => {
  it("are one table by inventory id, filled while names are still added, the same for every reader", () => {
    const inventory = new Inventory();
    const patches = new Patches(inventory);
    const patch = { fields: { objectLock: null }, errors: [], collected: ["versioning" as const] };
    for (let i = 0; i < 3000; i++) {
      inventory.set(`b${i}`, inventoryEntry(bucket(`b${i}`)));
      // Set as the early batches set them: while the inventory grows past the table's index.
      if (i % 3 === 0) patches.set(`b${i}`, { ...patch, collected: [...patch.collected] });
    }
    expect(patches.size).toBe(1000);
    expect(patches.distinct, "equal patches kept once").toBe(1);
    expect(patches.has("b2999")).toBe(false);
    expect(patches.has("b2997")).toBe(true);
    const copy = patches.get("b2997")!;
    expect(copy).toEqual(patch);
    copy.collected.push("objectLock");
    expect(patches.get("b0")!.collected, "handed out as a copy").toEqual(["versioning"]);
    expect(patches.get("b1")).toBeUndefined();
    expect(patches.get("nowhere")).toBeUndefined();
  });

  it("replicatedFrom: each destination's sources once, sorted, destinations in the order first named", () => {
    const inventory = new Inventory();
    const docs = [bucket("z-src", ["dst-2", "dst-1", "dst-2"]), bucket("a-src", ["dst-2", "gone"]), bucket("dst-1"), bucket("dst-2", ["dst-1"])];
    for (const doc of docs) inventory.set(doc.name, inventoryEntry(doc));
    const table = ReplicatedFrom.of(inventory);
    expect([...table.keys()]).toEqual(["dst-2", "dst-1"]);
    expect(table.get("dst-2")).toEqual(["a-src", "z-src"]);
    expect(table.get("dst-1")).toEqual(["dst-2", "z-src"]);
    expect(table.get("a-src")).toBeUndefined();
    expect(table.get("gone")).toBeUndefined();
  });

  it("replicatedFrom holds its destinations' sources, not a table over every name of the organization", () => {
    const inventory = new Inventory();
    const count = 5000;
    // One bucket in ten replicates to the next one: 500 destinations, 500 pairs, 5,000 names.
    for (let i = 0; i < count; i++) inventory.set(`b${i}`, inventoryEntry(bucket(`b${i}`, i % 10 === 0 ? [`b${i + 1}`] : [])));
    const table = ReplicatedFrom.of(inventory);
    expect(table.size).toBe(500);
    expect(table.get("b4991")).toEqual(["b4990"]);
    expect(table.get("b4992")).toBeUndefined();
    // 12 bytes a destination and 4 a pair (+ 4): an id-indexed offsets column alone was 20,004.
    expect(table.byteLength).toBe(500 * 12 + 500 * 4 + 4);
  });
});

describe("the probes' answers", () => {
  it("are kept by inventory id, equal answers without an error one object, a name never met answered as none", () => {
    const inventory = new Inventory();
    // Destinations outside the organization: named by a rule, so met (an id), never set as buckets.
    inventory.set("source", inventoryEntry(bucket("source", ["gone-1", "gone-2", "partner-1", "partner-2", "broken"])));
    const heads = new HeadAnswers(inventory);
    expect(heads.get("gone-1"), "nothing probed yet").toBeUndefined();
    heads.set("gone-1", { exists: false, region: null, error: null });
    heads.set("gone-2", { exists: false, region: null, error: null });
    heads.set("partner-1", { exists: true, region: "eu-west-1", error: null });
    heads.set("partner-2", { exists: true, region: "eu-west-1", error: null });
    const error = { operation: "HeadBucket", code: "InternalError", message: "We encountered an internal error." };
    heads.set("broken", { exists: null, region: null, error });
    expect(heads.size).toBe(5);
    expect(heads.get("gone-1")).toEqual({ exists: false, region: null, error: null });
    expect(heads.get("gone-1")).toBe(heads.get("gone-2"));
    expect(heads.get("partner-2")).toEqual({ exists: true, region: "eu-west-1", error: null });
    expect(heads.get("partner-1")).toBe(heads.get("partner-2"));
    expect(heads.get("partner-1")).not.toBe(heads.get("gone-1"));
    expect(heads.get("broken")).toEqual({ exists: null, region: null, error });
    expect(heads.get("never-named")).toBeUndefined();
    expect(heads.get("source"), "a bucket of the inventory is not probed").toBeUndefined();
    expect(() => heads.set("never-named", { exists: false, region: null, error: null })).toThrow(/never-named/);
  });
});

describe("the spool's encoding", () => {
  const spool = new DocumentSpool();
  afterAll(() => spool.close());

  it("writes a block in pieces of about ENCODE_SLICE, byte-identical to one string of JSON lines, and reads it back", async () => {
    // ~60 KB documents (a replicating document naming hundreds of its role's users), 2.4 MB in all.
    const docs = Array.from({ length: 40 }, (_, i) => {
      const doc = bucket(`b${String(i).padStart(3, "0")}`);
      doc.tags = { users: "u".repeat(60_000) };
      return doc;
    });
    const pieces = encode(docs);
    const line = Buffer.byteLength(`${JSON.stringify(docs[0])}\n`);
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    for (const piece of pieces) expect(piece.length).toBeLessThan(ENCODE_SLICE + line);
    expect(Buffer.concat(pieces).equals(Buffer.from(docs.map((doc) => `${JSON.stringify(doc)}\n`).join(""), "utf8"))).toBe(true);
    await spool.add(account.id, docs);
    const back: BucketDocument[] = [];
    for await (const doc of spool.documents()) back.push(doc);
    expect(back).toEqual(docs);
  });
});
