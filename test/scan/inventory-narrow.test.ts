/**
 * The packed inventory's small counts (an account's and a profile's index, a bucket's destination
 * count) take 8 bits a name until one does not fit, then 16, then 32 (src/scan/narrow-column.ts): its
 * bytes per bucket, and the same answers past 255 and 65,535 accounts and profiles, and 69,999 destinations of one bucket.
 */
import { describe, expect, it } from "vitest";
import type { AccountRef } from "../../src/model/index.js";
import { Inventory } from "../../src/scan/inventory.js";
import type { InventoryEntry } from "../../src/scan/spool.js";
import { inventoryEntryOf } from "../support/inventory-entry.js";

const account = (i: number): AccountRef => ({ id: String(100000000000 + i), name: `account-${i}`, ouPath: "Root", tags: {} });
const entry = (name: string, owner: AccountRef, region: string, destinations: string[] | null): InventoryEntry => inventoryEntryOf(name, destinations, owner, region);

describe("scan/Inventory: narrow columns", () => {
  it("holds a bucket in under 23 bytes for a 29-character name (columns, hash table, names' buffers: the name on disk)", () => {
    const accounts = Array.from({ length: 100 }, (_, i) => account(i));
    const inventory = new Inventory();
    const count = 20_000;
    for (let i = 0; i < count; i++) {
      const name = `workload-${String(i).padStart(7, "0")}-${accounts[i % 100]!.id}`;
      inventory.set(name, entry(name, accounts[i % 100]!, "us-east-1", i % 10 === 0 ? ["archive"] : null));
    }
    // ~5.3 hash table (4/5 full, then 1.125 times larger), 8.1 of columns (name offsets 2 + 1/8, destinations 4; account and profile in
    // 8 bits here), ~3.5 of the names' write buffer and ~3.5 of its read window (64 KiB each): ~22 a bucket, the 29 name bytes on disk (58 with them in memory; 30 with a hash and an order column).
    expect(inventory.byteLength / count).toBeLessThan(23);
  });

  it("answers as before past 255 and 65,535 accounts and profiles (the columns widen twice) and for 69,999 destinations of one bucket", () => {
    const count = 70_000;
    const inventory = new Inventory();
    const names = Array.from({ length: count }, (_, i) => `b-${i}`);
    // The first bucket names every other one (a destination count past 16 bits), each bucket its own account and Region (as many profiles).
    inventory.set(names[0]!, entry(names[0]!, account(0), "region-0", names.slice(1)));
    for (let i = 1; i < count; i++) inventory.set(names[i]!, entry(names[i]!, account(i), `region-${i}`, i % 2 === 0 ? [names[0]!] : null));
    expect(inventory.size).toBe(count);
    for (const i of [0, 1, 254, 255, 256, 65_534, 65_535, 65_536, count - 1]) {
      const got = inventory.get(names[i]!)!;
      expect(got.account).toEqual(account(i));
      expect(got.region).toBe(`region-${i}`);
      // Compared as one string: a deep equality of 70,000 elements is slow.
      expect(got.destinations?.join("/") ?? null).toBe(i === 0 ? names.slice(1).join("/") : i % 2 === 0 ? names[0]! : null);
    }
    expect(inventory.destinationIds(inventory.idOf(names[0]!))!.length).toBe(count - 1);
    expect([...inventory.keys()].join("/")).toBe(names.join("/"));
  });
});
