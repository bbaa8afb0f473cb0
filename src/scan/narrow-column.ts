/**
 * The packed inventory's columns (scan/inventory.ts) and the resolution's id tables, in fixed pages
 * of 4,096 entries (16 KiB of a 32-bit column: a small organization's spare room stays small too): a column grows by one page, never by copying what it holds, and holds at most
 * one page of spare room. Grown by 1.5× copies, the inventory was there two and a half times at a
 * growth step or at its exact-size trim (the old arrays are garbage only at V8's next full GC:
 * ~150 MB at a million buckets for ~66 MB live, docs/memory.md). Lookups take one more indirection
 * (the page), read inline by the hot paths as `pages[i >>> PAGE_BITS][i & PAGE_MASK]`.
 */
import { heapPages, type PageMemory } from "./page-memory.js";

export const PAGE_BITS = 12;
export const PAGE_SIZE = 1 << PAGE_BITS;
export const PAGE_MASK = PAGE_SIZE - 1;

/** Pages enough for `count` entries. */
export const pagesFor = (count: number): number => Math.ceil(count / PAGE_SIZE);

/** A column of 32-bit values (signed or not) in pages; `fill` is a new page's every entry. */
export class PagedColumn<T extends Int32Array | Uint32Array> {
  readonly pages: T[] = [];

  constructor(
    private readonly make: (length: number) => T,
    private readonly fill = 0,
  ) {}

  /** Room for `count` entries: a page more when it is short, never a copy. */
  ensure(count: number): void {
    while (this.pages.length * PAGE_SIZE < count) {
      const page = this.make(PAGE_SIZE);
      if (this.fill !== 0) page.fill(this.fill);
      this.pages.push(page);
    }
  }

  /** Entries there is room for (a whole number of pages). */
  get capacity(): number {
    return this.pages.length * PAGE_SIZE;
  }

  get(index: number): number {
    return this.pages[index >>> PAGE_BITS]![index & PAGE_MASK]!;
  }

  set(index: number, value: number): void {
    this.pages[index >>> PAGE_BITS]![index & PAGE_MASK] = value;
  }

  get byteLength(): number {
    return this.pages.length * PAGE_SIZE * 4;
  }
}

/**
 * A column of small counts (an account's or a profile's index): 8 bits a value while every value
 * fits, widened to 16 bits the first time one does not (more than 255 accounts or profiles), then
 * to 32 (more than 65,535). A million buckets of 1,000 accounts and a few profiles: 2 + 1 bytes a
 * name where two 32-bit columns took 8 (docs/memory.md). Widening copies every page once.
 */
type NarrowPage = Uint8Array | Uint16Array | Uint32Array;
type Bits = 8 | 16 | 32;
const bitsFor = (value: number): Bits => (value <= 0xff ? 8 : value <= 0xffff ? 16 : 32);
export class NarrowColumn {
  pages: NarrowPage[] = [];

  /** `memory`: where its pages come from (scan/page-memory.ts); `bits`: its first width (a column whose values nearly never fit 8 bits is never widened from them). */
  constructor(
    private readonly memory: PageMemory = heapPages,
    private bits: Bits = 8,
  ) {}

  private page(bits: Bits): NarrowPage {
    return bits === 8 ? this.memory.uint8(PAGE_SIZE) : bits === 16 ? this.memory.uint16(PAGE_SIZE) : this.memory.uint32(PAGE_SIZE);
  }

  ensure(count: number): void {
    while (this.pages.length * PAGE_SIZE < count) this.pages.push(this.page(this.bits));
  }

  get capacity(): number {
    return this.pages.length * PAGE_SIZE;
  }

  get(index: number): number {
    return this.pages[index >>> PAGE_BITS]![index & PAGE_MASK]!;
  }

  /** Writes `value` at `index`, widening the column first when it does not fit. */
  set(index: number, value: number): void {
    if (bitsFor(value) > this.bits) {
      const bits = (this.bits = bitsFor(value));
      this.pages = this.pages.map((page) => {
        const wider = this.page(bits);
        wider.set(page);
        return wider;
      });
    }
    this.pages[index >>> PAGE_BITS]![index & PAGE_MASK] = value;
  }

  get byteLength(): number {
    return this.pages.reduce((sum, page) => sum + page.byteLength, 0);
  }
}

/**
 * Runs of entries (a bucket's destination ids) in pages of `1 << bits` entries, a
 * run never split across two: its address is its page's index `<< bits` plus its offset there. A
 * run longer than a page gets a page of its own, and the page indexes it spans are left empty (so
 * addresses keep their order). Each page's fill is where its last run ends.
 */
export class PagedRuns<T extends Int32Array> {
  readonly pages: T[] = [];
  readonly fills: number[] = [];

  constructor(
    readonly bits: number,
    private readonly make: (length: number) => T,
  ) {}

  /** Room for a run of `length`: its address; the caller writes it with `pageOf`/`offsetOf`. */
  reserve(length: number): number {
    const size = 1 << this.bits;
    let last = this.pages.length - 1;
    if (last < 0 || this.fills[last]! + length > this.pages[last]!.length) {
      last = this.pages.length;
      this.pages.push(this.make(Math.max(size, length)));
      this.fills.push(0);
      for (let spanned = size; spanned < length; spanned += size) {
        this.pages.push(this.make(0));
        this.fills.push(0);
      }
    }
    const offset = this.fills[last]!;
    this.fills[last] = offset + length;
    return last * size + offset;
  }

  get byteLength(): number {
    return this.pages.reduce((sum, page) => sum + page.byteLength, 0);
  }
}
