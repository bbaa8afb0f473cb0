/**
 * The scan's inventory, packed: one entry per bucket of the organization, kept until the last
 * document is handed on, so its size per bucket is the slope of the audit's memory (docs/memory.md).
 * A `Map` of small objects cost ~335 bytes a bucket (the name string, the map slot, the object, the
 * array and strings of its destinations); here a bucket is its name's bytes in one growing buffer
 * plus a few 32- and 16-bit columns and a hash slot (about 55 bytes for a 30-character name), and the values
 * many buckets share (region, versioning status, Object Lock, failed calls, facts collected: the
 * bucket's "profile") are one object each.
 *
 * Every name the scan meets gets an id: each bucket's, and each destination named by a rule (which
 * may be a bucket listed later, or none of the organization's). The ids are what resolution works on
 * (`replicatedFrom` as id lists); names and entries are made again on demand and are garbage after.
 * It answers as the `Map` did: `set` on a known name replaces its entry and keeps its place in the
 * order, `values()`/`keys()` go in first-set order, `has`/`get` only know names that were `set`.
 */
import type { AccountRef, FactName, ObjectLock, VersioningStatus } from "../model/index.js";
import type { InventoryEntry } from "./spool.js";
import { grownNarrow, put, type Narrow } from "./narrow-column.js";

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

/** Bit set on a name's offset when it is stored as UTF-16 (a character above U+00FF): latin1 otherwise. Both are lossless. */
const WIDE = 0x8000_0000;
const NONE = -1;

/** FNV-1a over the UTF-16 code units: the same string, the same hash, without encoding it. */
function hashOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const isNarrow = (name: string): boolean => {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0xff) return false;
  return true;
};

function grown<T extends Int32Array | Uint32Array>(array: T, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}

export class Inventory implements InventoryReader, InventorySink {
  private ids = 0;
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  /** Per id: where its name starts in `bytes` (| WIDE), its hash; the next id's start is its end. */
  private start = new Uint32Array(1024);
  private hash = new Uint32Array(1024);
  /** Per id: its account's index + 1, or 0 for a name only a rule named; its profile's index. */
  private account: Narrow = new Uint16Array(1024);
  private profile: Narrow = new Uint16Array(1024);
  /** Per id: its destinations' place in `edges` (NONE: a bucket without rules) and how many. */
  private destStart = new Int32Array(1024);
  private destCount: Narrow = new Uint16Array(1024);
  private edges = new Int32Array(1024);
  private edgeCount = 0;
  /** Open addressing, linear probing: id + 1, 0 for a free slot; at most 3/4 full. */
  private slots = new Int32Array(2048);
  /** Bucket ids in first-set order (the `Map`'s order). */
  private order = new Int32Array(1024);
  private buckets = 0;
  private readonly accounts: AccountRef[] = [];
  private readonly accountIndex = new Map<AccountRef, number>();
  private readonly profiles: Profile[] = [];
  private readonly profileIndex = new Map<string, number>();
  private scratch = Buffer.alloc(256);

  get size(): number {
    return this.buckets;
  }

  /** Ids of every name met so far (buckets and destinations): a bound for id-indexed arrays. */
  get idCount(): number {
    return this.ids;
  }

  /** Bytes of its buffers (names, columns, hash table): what it holds per bucket but the shared profiles (bench/inventory.ts, tests). */
  get byteLength(): number {
    const columns = [this.start, this.hash, this.account, this.profile, this.destStart, this.destCount, this.edges, this.slots, this.order];
    return this.bytes.length + columns.reduce((sum, column) => sum + column.byteLength, 0);
  }

  set(name: string, entry: InventoryEntry): this {
    const id = this.intern(name);
    if (this.account[id] === 0) {
      this.order = grown(this.order, this.buckets + 1, (n) => new Int32Array(n));
      this.order[this.buckets++] = id;
    }
    this.account = put(this.account, id, this.accountOf(entry.account) + 1);
    this.profile = put(this.profile, id, this.profileOf(entry));
    const destinations = entry.destinations;
    if (destinations === null) {
      this.destStart[id] = NONE;
      this.destCount[id] = 0;
      return this;
    }
    // Interned first (it may grow the columns), then written: in place when the old list has room
    // (the second pass sets a destination again with the same rules), else appended, the old as garbage (rare).
    const targets = destinations.map((dest) => this.intern(dest));
    if (this.destStart[id] !== NONE && this.destCount[id]! >= targets.length) {
      this.edges.set(targets, this.destStart[id]!);
      this.destCount = put(this.destCount, id, targets.length);
      return this;
    }
    this.edges = grown(this.edges, this.edgeCount + targets.length, (n) => new Int32Array(n));
    this.edges.set(targets, this.edgeCount);
    this.destStart[id] = this.edgeCount;
    this.destCount = put(this.destCount, id, targets.length);
    this.edgeCount += targets.length;
    return this;
  }

  has(name: string): boolean {
    const id = this.idOf(name);
    return id !== NONE && this.account[id] !== 0;
  }

  get(name: string): InventoryEntry | undefined {
    const id = this.idOf(name);
    return id === NONE || this.account[id] === 0 ? undefined : this.entryOf(id, name);
  }

  *keys(): IterableIterator<string> {
    for (const id of this.bucketIds()) yield this.nameOf(id);
  }

  *values(): IterableIterator<InventoryEntry> {
    for (const id of this.bucketIds()) yield this.entryOf(id);
  }

  /**
   * Gives back the columns' spare room (up to half of each, from growing by 1.5): called once every
   * account is listed, so the phases after it, which hold the peak, hold only what is used.
   */
  trim(): void {
    const exact = <T extends Int32Array | Uint32Array | Uint16Array>(array: T, length: number): T => (array.length === length ? array : (array.slice(0, length) as T));
    const ids = this.ids;
    this.start = exact(this.start, ids);
    this.hash = exact(this.hash, ids);
    this.account = exact(this.account, ids);
    this.profile = exact(this.profile, ids);
    this.destStart = exact(this.destStart, ids);
    this.destCount = exact(this.destCount, ids);
    this.edges = exact(this.edges, this.edgeCount);
    this.order = exact(this.order, this.buckets);
    if (this.bytes.length > this.used) this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
  }

  /** Bucket ids in first-set order; buckets set while iterating are visited too. */
  *bucketIds(): IterableIterator<number> {
    for (let i = 0; i < this.buckets; i++) yield this.order[i]!;
  }

  isBucket(id: number): boolean {
    return this.account[id] !== 0;
  }

  /** The id of a name met so far (a bucket's or a destination's), NONE (-1) for one never met. */
  idOf(name: string): number {
    const h = hashOf(name);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]! - 1;
      if (id === NONE) return NONE;
      if (this.hash[id] === h && this.equals(id, name)) return id;
    }
  }

  nameOf(id: number): string {
    const start = this.start[id]!;
    const end = id + 1 < this.ids ? this.start[id + 1]! & ~WIDE : this.used;
    return this.bytes.toString(start & WIDE ? "utf16le" : "latin1", start & ~WIDE, end);
  }

  /** The destination ids of a bucket's rules, in rule order; null for a bucket without rules. */
  destinationIds(id: number): Int32Array | null {
    const start = this.destStart[id]!;
    return start === NONE ? null : this.edges.subarray(start, start + this.destCount[id]!);
  }

  private entryOf(id: number, name?: string): InventoryEntry {
    const profile = this.profiles[this.profile[id]!]!;
    const targets = this.destinationIds(id);
    return {
      name: name ?? this.nameOf(id),
      region: profile.region,
      account: this.accounts[this.account[id]! - 1]!,
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
    const id = this.ids++;
    const capacity = this.ids;
    this.start = grown(this.start, capacity, (n) => new Uint32Array(n));
    this.hash = grown(this.hash, capacity, (n) => new Uint32Array(n));
    this.account = grownNarrow(this.account, capacity);
    this.profile = grownNarrow(this.profile, capacity);
    this.destStart = grown(this.destStart, capacity, (n) => new Int32Array(n));
    this.destCount = grownNarrow(this.destCount, capacity);
    const narrow = isNarrow(name);
    const length = narrow ? name.length : name.length * 2;
    if (this.used + length > this.bytes.length) {
      const next = Buffer.alloc(Math.max(this.used + length, Math.ceil(this.bytes.length * 1.5)));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    this.bytes.write(name, this.used, length, narrow ? "latin1" : "utf16le");
    this.start[id] = (this.used | (narrow ? 0 : WIDE)) >>> 0;
    this.used += length;
    this.hash[id] = hashOf(name);
    this.account[id] = 0;
    this.destStart[id] = NONE;
    this.destCount[id] = 0;
    if (this.ids * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hash[id]! & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let id = 0; id < this.ids; id++) this.place(id);
  }

  private equals(id: number, name: string): boolean {
    const start = this.start[id]!;
    const wide = (start & WIDE) !== 0;
    if (wide === isNarrow(name)) return false;
    const from = start & ~WIDE;
    const end = id + 1 < this.ids ? this.start[id + 1]! & ~WIDE : this.used;
    const length = wide ? name.length * 2 : name.length;
    if (end - from !== length) return false;
    if (this.scratch.length < length) this.scratch = Buffer.alloc(length * 2);
    this.scratch.write(name, 0, length, wide ? "utf16le" : "latin1");
    return this.bytes.compare(this.scratch, 0, length, from, end) === 0;
  }
}
