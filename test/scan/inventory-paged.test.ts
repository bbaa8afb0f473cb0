/**
 * The packed inventory's columns and name bytes in fixed pages (src/scan/narrow-column.ts): growing
 * copies nothing (a page once made stays), the spare room is at most one page a column, and names
 * and destination lists that cross pages, or are longer than a page, read back as a `Map` of the
 * same entries does. The resolution's patch index is paged the same way.
 */
import { describe, expect, it } from "vitest";
import { Inventory } from "../../src/scan/inventory.js";
import { PAGE_SIZE } from "../../src/scan/narrow-column.js";
import { Patches } from "../../src/scan/resolution-tables.js";
import type { InventoryEntry } from "../../src/scan/spool.js";
import { inMetOrder, inventoryEntryOf } from "../support/inventory-entry.js";

const entry = (name: string, destinations: string[] | null): InventoryEntry => inventoryEntryOf(name, destinations);

describe("scan/Inventory: paged columns", () => {
  it("never copies a page as it grows, and holds at most one page of spare room a column", () => {
    const inventory = new Inventory();
    let kept = new Set<ArrayBufferView>();
    const count = 3 * PAGE_SIZE + 100;
    for (let i = 0; i < count; i++) {
      const name = `workload-${String(i).padStart(7, "0")}-bucket`;
      inventory.set(name, entry(name, i % 7 === 0 ? [`archive-${i % 3}`] : null));
      if (i % 997 !== 0 && i !== count - 1) continue;
      // Pages compared as objects: past the first 256 KiB they share their slab's buffer (scan/page-memory.ts).
      const now = new Set<ArrayBufferView>(inventory.pages());
      // Copying growth (1.5× and a `trim`) replaced a column's array: its old page gone from the set.
      for (const page of kept) expect(now.has(page), `a page of the ${i}th set was replaced`).toBe(true);
      kept = now;
    }
    expect(inventory.idCount).toBe(count + 3);
    expect(inventory.idCapacity).toBeLessThan(inventory.idCount + PAGE_SIZE);
    // ~8.1 of columns (2 + 1/8 of name offsets, 1 + 1 narrow, 4 destinations: their count is in their run), under 1 of edges, at most ~5.6 of hash table (4/5 full, then
    // 1.125 times larger), and one page each at most; the names' buffers (64 KiB written at once, 4 KiB of remembered addresses): their bytes are on disk.
    const slack = PAGE_SIZE * 26 + 65_536 + PAGE_SIZE * 2;
    expect(inventory.byteLength).toBeLessThan(count * (8.2 + 1 + 5.6) + slack);
  });

  it("keeps a bucket's destinations as they were set last, none, one or several, a shorter run in place of a longer", () => {
    const inventory = new Inventory();
    const sets: [string, string[] | null][] = [
      ["a", ["d1", "d2", "d3"]],
      ["b", []],
      ["c", ["d1"]],
      ["a", ["d3", "d1"]], // fewer: in the run "a" had
      ["b", ["d2", "d3"]],
      ["c", null],
      ["a", []],
      ["b", ["d1"]],
      ["c", ["d2", "d1", "d3", "d4"]],
    ];
    const map = new Map<string, InventoryEntry>();
    let firstRun: Int32Array | null = null;
    for (const [step, [name, destinations]] of sets.entries()) {
      const e = entry(name, destinations);
      map.set(name, e);
      inventory.set(name, e);
      const run = inventory.destinationIds(inventory.idOf("a"))!;
      if (step === 0) firstRun = run;
      if (step === 3) {
        expect(run.buffer, "a shorter run is written where the longer was").toBe(firstRun!.buffer);
        expect(run.byteOffset).toBe(firstRun!.byteOffset);
      }
      for (const [known, expected] of map) expect(inventory.get(known)!.destinations, `${known} after step ${step}`).toEqual(expected.destinations);
    }
    expect(inventory.destinationIds(inventory.idOf("b"))).toEqual(Int32Array.of(inventory.idOf("d1")));
    expect(inventory.destinationIds(inventory.idOf("a"))).toEqual(new Int32Array(0));
    expect(inventory.destinationIds(inventory.idOf("d1"))).toBe(null);
  });

  it("answers as a Map across name pages, for UTF-16 names, and for a name and a destination list longer than a page", () => {
    const inventory = new Inventory();
    const map = new Map<string, InventoryEntry>();
    const long = "l".repeat(70_000); // past a 64 KiB name page
    const wide = "ü€".repeat(20_000); // UTF-16, 80,000 bytes
    const names = [...Array.from({ length: 3_000 }, (_, i) => `bucket-${i}-${"x".repeat(i % 50)}`), long, "after-long", wide, "", "after-wide"];
    const many = Array.from({ length: PAGE_SIZE + 10 }, (_, i) => `dest-${i}`); // an edge run longer than a page
    const done: [string, InventoryEntry][] = [];
    for (const [i, name] of names.entries()) {
      const e = entry(name, i === 5 ? many : i % 3 === 0 ? [names[(i + 1) % names.length]!, long] : null);
      map.set(name, e);
      done.push([name, e]);
      inventory.set(name, e);
    }
    // Set again with fewer destinations: written in place.
    const again = entry(names[5]!, ["after-long"]);
    map.set(names[5]!, again);
    inventory.set(names[5]!, again);
    const ordered = inMetOrder([...done, [names[5]!, again]]);
    expect([...inventory.keys()]).toEqual([...ordered.keys()]);
    expect([...inventory.values()]).toEqual([...ordered.values()]);
    for (const name of [...names, "dest-0", `dest-${PAGE_SIZE + 9}`]) expect(inventory.nameOf(inventory.idOf(name))).toBe(name);
    expect(inventory.has("dest-1")).toBe(false);
    expect(inventory.idOf("l".repeat(69_999))).toBe(-1);
  });

  it("the patch index grows a page at a time with the inventory's ids (no copy, no trim), a byte an id while patches are few", () => {
    const inventory = new Inventory();
    const patches = new Patches(inventory);
    const patch = { fields: { objectLock: null }, errors: [], collected: ["objectLock" as const] };
    for (let i = 0; i < 2 * PAGE_SIZE + 5; i++) {
      inventory.set(`b${i}`, entry(`b${i}`, null));
      if (i % 4 === 0) patches.set(`b${i}`, { ...patch });
    }
    expect(patches.byteLength).toBe(3 * PAGE_SIZE);
    expect(patches.get(`b${2 * PAGE_SIZE}`)).toEqual(patch);
    expect(patches.has(`b${2 * PAGE_SIZE + 1}`)).toBe(false);
  });

  it("the patch index widens past 255 distinct patches, every destination keeping its own", () => {
    const inventory = new Inventory();
    const patches = new Patches(inventory);
    const patchOf = (i: number) => ({ fields: { objectLock: { enabled: true, mode: "GOVERNANCE" as const, days: i, years: null } }, errors: [], collected: ["objectLock" as const] });
    for (let i = 0; i < 600; i++) {
      inventory.set(`b${i}`, entry(`b${i}`, null));
      if (i % 2 === 0) patches.set(`b${i}`, patchOf(i));
    }
    expect(patches.distinct).toBe(300);
    expect(patches.byteLength).toBe(PAGE_SIZE * 2);
    for (let i = 0; i < 600; i++) expect(patches.get(`b${i}`)).toEqual(i % 2 === 0 ? patchOf(i) : undefined);
  });
});
