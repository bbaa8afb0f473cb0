/**
 * The scan's inventory, packed: one entry per bucket of the organization, kept until the last
 * document is handed on, so its size per bucket is the slope of the audit's memory (docs/memory.md).
 * A `Map` of small objects cost ~335 bytes a bucket (the name string, the map slot, the object, the
 * array and strings of its destinations); here a bucket is a few 32-, 16- and 8-bit paged columns
 * (scan/narrow-column.ts: grown a page at a time, never copied) and a hash slot: ~17 bytes a bucket
 * at a million. Its name's bytes are on disk (scan/name-file.ts, in the scan's temporary directory):
 * in memory stays where each starts, and a name is compared (on a match of the hash bits its slot
 * keeps) or made (`nameOf`) by reading its bytes back, from the write buffer, a window read ahead or the file
 * (in memory they were ~30 bytes a bucket more, which memory freed from small array buffers never
 * gives back to the system: docs/memory.md "The names on disk"). The values many buckets share
 * (region, versioning status, Object Lock, failed calls, facts collected: the bucket's "profile")
 * are one object each.
 *
 * Every name the scan meets gets an id: each bucket's, and each destination named by a rule (which
 * may be a bucket listed later, or none of the organization's). The ids are what resolution works on
 * (`replicatedFrom` as id lists); names and entries are made again on demand and are garbage after.
 * It answers as the `Map` did, but for the order: `set` on a known name replaces its entry and keeps
 * its place, `has`/`get` only know names that were `set`, and `values()`/`keys()` go in id order, the
 * order names were first met: a bucket named by a rule before it was listed comes where it was first
 * named. (First-set order took a column of 4 bytes a bucket; nothing depends on either: buckets of
 * accounts read side by side are set in whichever order their reads end, docs/memory.md.)
 */
import type { AccountRef, FactName, ObjectLock, VersioningStatus } from "../model/index.js";
import type { InventoryEntry } from "./spool.js";
import { NameFile, type NameEncoding } from "./name-file.js";
import { NarrowColumn, PAGE_BITS, PAGE_MASK, PagedColumn, PagedRuns } from "./narrow-column.js";
import { hashOfName } from "./name-hash.js";
import { GrowingTable, mappedBytesOf, SlabPages } from "./page-memory.js";

/** What a bucket shares with many others, one object per distinct value. */
interface Profile {
  region: string;
  versioning: { status: VersioningStatus } | null;
  objectLock: ObjectLock | null;
  errors: readonly { operation: string }[];
  collected: FactName[];
}

/** What the scan's stages need of the inventory: a `Map` of entries gives the same answers. */
export interface InventoryReader {
  get(name: string): InventoryEntry | undefined;
  has(name: string): boolean;
}
export interface InventorySink {
  set(name: string, entry: InventoryEntry): unknown;
}

/** Ids in a block: an id's name starts at its block's start plus an offset of 16 bits (while a block's names fit 32 KiB). */
const BLOCK_BITS = 5;
const NONE = -1;
/** `dest` of a bucket whose replication configuration has no rules (not null: it has one). */
const NO_RULES = -2;
/** `dest` of a run at `address` in `edges`: RUN_BASE - address (below NO_RULES, apart from every id). */
const RUN_BASE = -3;
const NO_DESTINATIONS = new Int32Array(0);

/** The hash table's first size, its most filled (then rebuilt larger) and how much larger each time. */
const FIRST_SLOTS = 2048;
const MAX_LOAD = 0.8;
const GROWTH = 1.125;

/** A hash's slot in a table of `size`: its high bits scaled to the size (any size, not only powers of two); the low bits are the slot's tag. */
const homeOf = (hash: number, size: number): number => Math.floor((hash * size) / 2 ** 32);

const isNarrow = (name: string): boolean => {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0xff) return false;
  return true;
};


export class Inventory implements InventoryReader, InventorySink {
  private ids = 0;
  /** The names' bytes, on disk, in id order. */
  private readonly names: NameFile;
  /** Every column's pages, outside malloc's arena (scan/page-memory.ts). */
  private readonly memory = new SlabPages();
  /**
   * Where an id's name starts in `names`: its block's start (per BLOCK_BITS ids) plus, per id, the
   * offset from it, doubled, + 1 when the name is stored as UTF-16 (a character above U+00FF;
   * latin1 otherwise: both lossless). 2 bytes and 1/8 an id where a 32-bit start took 4 (~2 MB at a
   * million buckets); widened to 32 bits, once, should a block's names pass 32 KiB. A name ends
   * where the next id's starts (the last: at the file's length).
   */
  private readonly blockStart = new PagedColumn<Uint32Array>((n) => this.memory.uint32(n));
  private readonly offset = new NarrowColumn(this.memory, 16);
  /** Per id: its account's index + 1, or 0 for a name only a rule named; its profile's index. */
  private readonly account = new NarrowColumn(this.memory);
  private readonly profile = new NarrowColumn(this.memory);
  /**
   * Per id, its destinations: NONE (a bucket without a replication configuration), NO_RULES (one
   * without rules), its one destination's id (most replicating buckets: no run in `edges`, ~2 MB
   * less at a million buckets), or, for two or more, `RUN_BASE - address` of a run in `edges` that
   * holds their count, then their ids (the count there, not in a column of its own: 1 byte an id
   * less, ~1 MB at a million buckets, for the few buckets of several rules).
   */
  private readonly dest = new PagedColumn<Int32Array>((n) => this.memory.int32(n));
  private readonly edges = new PagedRuns<Int32Array>(PAGE_BITS, (n) => this.memory.int32(n));
  /**
   * Open addressing, linear probing: 0 for a free slot, else id + 1 in the low `idBits` bits and, in
   * the bits above, the low bits of the name's hash (its tag: a lookup compares a name's bytes only
   * when its tag matches; no hash column). At most 4/5 full, then rebuilt 1.125 times larger with
   * every name's hash made again from the names' file, read in order (scan/name-file.ts): 1.25 to
   * 1.4 slots an id (3/4 and 1.25 times left a million names at 1.65: 1.3 MB more; the rebuilds,
   * more of them, read the file ~9.5 times over instead of ~6). In one mapping grown in place
   * (scan/page-memory.ts: nothing of an earlier size left beside it, nothing in malloc's arena).
   */
  private readonly table = new GrowingTable();
  private slots = this.table.uint32(FIRST_SLOTS);
  private idBits = 0;
  private idMask = 0;
  private tagMask = 0;
  private buckets = 0;
  private readonly accounts: AccountRef[] = [];
  private readonly accountIndex = new Map<AccountRef, number>();
  private readonly profiles: Profile[] = [];
  private readonly profileIndex = new Map<string, number>();

  /**
   * `directory`: where its names' file goes (the scan's temporary directory, removed with it); by
   * default a temporary directory of its own. `writeBuffer`: the names' bytes kept before they are
   * written (default 64 KiB; tests: a few names then cross flushes).
   */
  constructor(options: { directory?: string; writeBuffer?: number } = {}) {
    this.names = new NameFile(options.directory, options.writeBuffer);
    this.layout();
  }

  get size(): number {
    return this.buckets;
  }

  /** Its pages' and hash table's bytes in mapped memory, which `process.memoryUsage().arrayBuffers` does not count (tests and benches of its size). */
  get mappedBytes(): number {
    return this.memory.mappedBytes + mappedBytesOf(this.slots);
  }

  /** Ids of every name met so far (buckets and destinations): a bound for id-indexed arrays. */
  get idCount(): number {
    return this.ids;
  }

  /** Bytes of its buffers (columns, hash table, the names' buffers): what it holds per bucket but the shared profiles (bench/inventory.ts, tests). */
  get byteLength(): number {
    const columns = [this.names, this.blockStart, this.offset, this.account, this.profile, this.dest, this.edges, this.slots];
    return columns.reduce((sum, column) => sum + column.byteLength, 0);
  }

  /** Entries each per-id column has room for: the ids met rounded up to a whole page (tests). */
  get idCapacity(): number {
    return this.offset.capacity;
  }

  /** Every page it holds but the hash table's (tests: a page once made is kept, never copied into a larger one). */
  pages(): ArrayBufferView[] {
    return [this.blockStart, this.offset, this.account, this.profile, this.dest, this.edges].flatMap((column): ArrayBufferView[] => column.pages);
  }

  set(name: string, entry: InventoryEntry): this {
    const id = this.intern(name);
    if (this.account.get(id) === 0) this.buckets++;
    this.account.set(id, this.accountOf(entry.account) + 1);
    this.profile.set(id, this.profileOf(entry));
    const destinations = entry.destinations;
    if (destinations === null) {
      this.dest.set(id, NONE);
      return this;
    }
    // Interned first (it may grow the columns), then written: none or one in the column itself;
    // more in place when the old run has room (the second pass sets a destination again with the
    // same rules), else appended, the old as garbage (rare).
    const targets = destinations.map((dest) => this.intern(dest));
    if (targets.length <= 1) {
      this.dest.set(id, targets.length === 0 ? NO_RULES : targets[0]!);
      return this;
    }
    const old = this.dest.get(id);
    const at = old <= RUN_BASE && this.runCount(RUN_BASE - old) >= targets.length ? RUN_BASE - old : this.edges.reserve(targets.length + 1);
    const page = this.edges.pages[at >>> PAGE_BITS]!;
    page[at & PAGE_MASK] = targets.length;
    page.set(targets, (at & PAGE_MASK) + 1);
    this.dest.set(id, RUN_BASE - at);
    return this;
  }

  has(name: string): boolean {
    const id = this.idOf(name);
    return id !== NONE && this.account.get(id) !== 0;
  }

  get(name: string): InventoryEntry | undefined {
    const id = this.idOf(name);
    return id === NONE || this.account.get(id) === 0 ? undefined : this.entryOf(id, name);
  }

  *keys(): IterableIterator<string> {
    for (const id of this.bucketIds()) yield this.nameOf(id);
  }

  *values(): IterableIterator<InventoryEntry> {
    for (const id of this.bucketIds()) yield this.entryOf(id);
  }

  /** Bucket ids in id order; names met while iterating are visited too (a name met before, set as a bucket behind the iteration, is not). */
  *bucketIds(): IterableIterator<number> {
    for (let id = 0; id < this.ids; id++) if (this.account.get(id) !== 0) yield id;
  }

  isBucket(id: number): boolean {
    return this.account.get(id) !== 0;
  }

  /** The id of a name met so far (a bucket's or a destination's), NONE (-1) for one never met. */
  idOf(name: string): number {
    const h = hashOfName(name);
    const slots = this.slots;
    const size = slots.length;
    const tag = h & this.tagMask;
    for (let slot = homeOf(h, size); ; slot = slot + 1 === size ? 0 : slot + 1) {
      const entry = slots[slot]!;
      if (entry === 0) return NONE;
      if (entry >>> this.idBits === tag) {
        const id = (entry & this.idMask) - 1;
        if (this.equals(id, name)) return id;
      }
    }
  }

  nameOf(id: number): string {
    return this.names.text(this.startOf(id), this.endOf(id), this.encodingOf(id));
  }

  /** Its names' file, once the first names were written out (tests). */
  get namesFile(): string | null {
    return this.names.file;
  }

  /** Reads of the names' file so far, and their bytes (bench/inventory.ts). */
  get nameReads(): { count: number; bytes: number } {
    return { ...this.names.reads };
  }

  /** Closes and removes its names' file (the scan's end); it answers nothing after. */
  close(): void {
    this.names.close();
  }

  /** Where id's name ends: where the next id's starts, the last id's at the names' length. */
  private endOf(id: number): number {
    return id + 1 < this.ids ? this.startOf(id + 1) : this.names.length;
  }

  private startOf(id: number): number {
    return this.blockStart.get(id >>> BLOCK_BITS) + (this.offset.get(id) >>> 1);
  }

  private encodingOf(id: number): NameEncoding {
    return this.offset.get(id) & 1 ? "utf16le" : "latin1";
  }

  /** The destination ids of a bucket's rules, in rule order; null for a bucket without rules. */
  destinationIds(id: number): Int32Array | null {
    const dest = this.dest.get(id);
    if (dest >= 0) return Int32Array.of(dest);
    if (dest === NONE) return null;
    if (dest === NO_RULES) return NO_DESTINATIONS;
    const at = RUN_BASE - dest;
    const from = (at & PAGE_MASK) + 1;
    return this.edges.pages[at >>> PAGE_BITS]!.subarray(from, from + this.runCount(at));
  }

  /** How many destination ids the run at `address` in `edges` holds (its first entry). */
  private runCount(address: number): number {
    return this.edges.pages[address >>> PAGE_BITS]![address & PAGE_MASK]!;
  }

  private entryOf(id: number, name?: string): InventoryEntry {
    const profile = this.profiles[this.profile.get(id)]!;
    const targets = this.destinationIds(id);
    return {
      name: name ?? this.nameOf(id),
      region: profile.region,
      account: this.accounts[this.account.get(id) - 1]!,
      versioning: profile.versioning,
      objectLock: profile.objectLock,
      errors: profile.errors as { operation: string }[],
      collected: profile.collected,
      destinations: targets === null ? null : Array.from(targets, (target) => this.nameOf(target)),
    };
  }

  private accountOf(account: AccountRef): number {
    let index = this.accountIndex.get(account);
    if (index === undefined) {
      index = this.accounts.push(account) - 1;
      this.accountIndex.set(account, index);
    }
    return index;
  }

  private profileOf(entry: InventoryEntry): number {
    const versioning = entry.versioning === null ? null : { status: entry.versioning.status };
    const key = JSON.stringify([entry.region, versioning, entry.objectLock, entry.errors.map((e) => e.operation), entry.collected]);
    let index = this.profileIndex.get(key);
    if (index === undefined) {
      index = this.profiles.push({ region: entry.region, versioning: entry.versioning, objectLock: entry.objectLock, errors: entry.errors, collected: entry.collected }) - 1;
      this.profileIndex.set(key, index);
    }
    return index;
  }

  /** The name's id, a new one (not a bucket yet) when it was never met. */
  private intern(name: string): number {
    const known = this.idOf(name);
    if (known !== NONE) return known;
    const narrow = isNarrow(name);
    // Written first: should the file fail, no id was given.
    const address = this.names.append(name, narrow ? "latin1" : "utf16le", narrow ? name.length : name.length * 2);
    const id = this.ids++;
    if (this.ids > this.offset.capacity) for (const column of [this.offset, this.account, this.profile, this.dest]) column.ensure(this.ids);
    if (id % (1 << BLOCK_BITS) === 0) {
      this.blockStart.ensure((id >>> BLOCK_BITS) + 1);
      this.blockStart.set(id >>> BLOCK_BITS, address);
    }
    this.offset.set(id, (address - this.blockStart.get(id >>> BLOCK_BITS)) * 2 + (narrow ? 0 : 1));
    this.account.set(id, 0);
    this.dest.set(id, NONE);
    if (this.ids > this.slots.length * MAX_LOAD) this.rehash(Math.ceil(this.slots.length * GROWTH));
    else this.place(id, hashOfName(name));
    return id;
  }

  /** How a slot of a table of this size splits: id + 1 in as many bits as the size has (ids stay under 4/5 of it), the hash's tag above. */
  private layout(): void {
    this.idBits = Math.min(31, 32 - Math.clz32(this.slots.length));
    this.idMask = 2 ** this.idBits - 1;
    this.tagMask = 2 ** (32 - this.idBits) - 1;
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    const size = slots.length;
    let slot = homeOf(hash, size);
    while (slots[slot] !== 0) slot = slot + 1 === size ? 0 : slot + 1;
    slots[slot] = (((hash & this.tagMask) * 2 ** this.idBits) + id + 1) >>> 0;
  }

  /** A larger table: every id placed again by its hash, made again from its name's bytes (read in file order: a window at a time). */
  private rehash(size: number): void {
    this.slots = this.table.uint32(size);
    this.layout();
    for (let id = 0; id < this.ids; id++) {
      this.place(id, this.names.hash(this.startOf(id), this.endOf(id), this.encodingOf(id)));
    }
  }

  private equals(id: number, name: string): boolean {
    const wide = this.encodingOf(id) === "utf16le";
    if (wide === isNarrow(name)) return false;
    const address = this.startOf(id);
    const end = this.endOf(id);
    if (end - address !== (wide ? name.length * 2 : name.length)) return false;
    return this.names.equals(address, end, name, wide ? "utf16le" : "latin1");
  }
}
