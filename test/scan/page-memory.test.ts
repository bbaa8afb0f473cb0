/**
 * The inventory's pages outside malloc's arena (src/scan/page-memory.ts): pages cut from slabs of
 * WebAssembly memory are zeroed, whole and apart from each other; a full slab is followed by a new
 * one; a request larger than a slab gets a mapping of its own; the first 256 KiB, and small hash
 * tables, stay plain `ArrayBuffer`s (a small organization maps nothing); and an inventory big enough
 * to use slabs answers as a `Map` does.
 */
import { describe, expect, it } from "vitest";
import { Inventory } from "../../src/scan/inventory.js";
import { PAGE_SIZE } from "../../src/scan/narrow-column.js";
import { GrowingTable, MAPPED_FROM_BYTES, mappedBytesOf, mappedInt32Array, mappedUint8Array, SlabPages } from "../../src/scan/page-memory.js";
import { inventoryEntryOf } from "../support/inventory-entry.js";

const isWasmMemory = (view: ArrayBufferView): boolean => view.buffer.byteLength >= 65_536 && view.buffer.byteLength % 65_536 === 0 && view.byteLength < view.buffer.byteLength;

describe("scan/page-memory", () => {
  it("cuts zeroed, separate pages from slabs, a new slab when one is full, and a larger request on its own", () => {
    const memory = new SlabPages(65_536 * 2, 0);
    const pages = [memory.uint32(PAGE_SIZE), memory.uint8(PAGE_SIZE), memory.uint16(PAGE_SIZE), memory.int32(PAGE_SIZE)];
    // 16 + 4 + 8 + 16 KiB in the first slab (128 KiB).
    expect(memory.slabs).toBe(1);
    expect(new Set(pages.map((page) => page.buffer)).size).toBe(1);
    for (const page of pages) expect(page.every((value) => value === 0)).toBe(true);
    pages.forEach((page, i) => page.fill(i + 1));
    pages.forEach((page, i) => expect(page.every((value) => value === i + 1), `page ${i} overwritten by another`).toBe(true));
    const offsets = pages.map((page) => [page.byteOffset, page.byteOffset + page.byteLength] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]![0]).toBeGreaterThanOrEqual(offsets[i - 1]![1]);
    for (const [start] of offsets) expect(start % 4).toBe(0);
    // 44 KiB used of 128: five more 16 KiB pages fit (124 KiB), the sixth begins a second slab.
    const more = Array.from({ length: 6 }, () => memory.int32(PAGE_SIZE));
    expect(memory.slabs).toBe(2);
    expect(more[5]!.buffer).not.toBe(pages[0]!.buffer);
    expect(more[4]!.buffer).toBe(pages[0]!.buffer);
    // Larger than a slab: a mapping of its own, the slab under way untouched.
    const large = memory.int32(65_536);
    expect(large.length).toBe(65_536);
    expect(large.buffer).not.toBe(more[5]!.buffer);
    expect(memory.slabs).toBe(2);
    expect(memory.int32(4).buffer).toBe(more[5]!.buffer);
  });

  it("keeps the first 256 KiB and small hash tables on plain buffers, and maps beyond them", () => {
    const memory = new SlabPages();
    const pages: Uint32Array[] = [];
    for (let bytes = 0; bytes < MAPPED_FROM_BYTES; bytes += PAGE_SIZE * 4) pages.push(memory.uint32(PAGE_SIZE));
    expect(memory.slabs).toBe(0);
    for (const page of pages) expect(page.buffer.byteLength).toBe(PAGE_SIZE * 4);
    const mapped = memory.uint32(PAGE_SIZE);
    expect(memory.slabs).toBe(1);
    expect(isWasmMemory(mapped)).toBe(true);
    expect(mappedInt32Array(2048).buffer.byteLength).toBe(2048 * 4);
    const table = mappedInt32Array(MAPPED_FROM_BYTES / 4);
    expect(table.length).toBe(MAPPED_FROM_BYTES / 4);
    expect(table.every((value) => value === 0)).toBe(true);
    expect(mappedBytesOf(mappedUint8Array(MAPPED_FROM_BYTES - 1))).toBe(0);
    const bytes = mappedUint8Array(MAPPED_FROM_BYTES + 1);
    expect(bytes.length).toBe(MAPPED_FROM_BYTES + 1);
    expect(mappedBytesOf(bytes)).toBe(MAPPED_FROM_BYTES + 1);
    expect(bytes.every((value) => value === 0)).toBe(true);
  });

  it("grows the hash table in one mapping, in place: each size zeroed, the size before it gone", () => {
    const table = new GrowingTable();
    const small = table.uint32(2048);
    expect(small.buffer.byteLength).toBe(2048 * 4);
    const first = table.uint32(MAPPED_FROM_BYTES / 4 + 10);
    expect(isWasmMemory(first)).toBe(true);
    first.fill(7);
    const second = table.uint32((MAPPED_FROM_BYTES / 4) * 2);
    expect(second.every((value) => value === 0)).toBe(true);
    // Grown, not replaced: the earlier view's buffer was detached by the growth (a new memory would have left it whole, mapped until a GC).
    expect(first.length).toBe(0);
    expect(second.buffer).not.toBe(small.buffer);
    // A smaller size asked again (never by the inventory) is the same memory, zeroed.
    second.fill(3);
    expect(table.uint32(100_000).every((value) => value === 0)).toBe(true);
  });

  it("refuses a slab size that is not whole 64 KiB pages", () => {
    expect(() => new SlabPages(100_000)).toThrow(/64 KiB/);
  });

  it("an inventory past its first 256 KiB (pages in slabs, a mapped hash table) answers as a Map", () => {
    const inventory = new Inventory();
    const map = new Map<string, ReturnType<typeof inventoryEntryOf>>();
    const count = 40_000;
    for (let i = 0; i < count; i++) {
      const name = `workload-${String(i).padStart(6, "0")}-bucket`;
      const entry = inventoryEntryOf(name, i % 5 === 0 ? [`archive-${i % 11}`, `copy-${i}`] : null);
      inventory.set(name, entry);
      map.set(name, entry);
    }
    expect(inventory.pages().some(isWasmMemory)).toBe(true);
    expect(inventory.size).toBe(map.size);
    expect([...inventory.keys()].join("/")).toBe([...map.keys()].join("/"));
    for (const [name, entry] of map) {
      const got = inventory.get(name)!;
      if (got.destinations?.join("/") !== entry.destinations?.join("/")) expect(got.destinations, name).toEqual(entry.destinations);
    }
    expect(inventory.get("absent")).toBeUndefined();
  });
});
