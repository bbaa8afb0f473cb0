/**
 * What destination resolution keeps per destination bucket until the last document is handed on,
 * in the packed inventory's ids (scan/inventory.ts) rather than strings and arrays per destination:
 * the sources replicating into each destination (an archive bucket's list holds every bucket of the
 * organization) and the facts the second pass read on it, one copy per distinct patch.
 */
import type { BucketDocument, BucketError, FactName } from "../model/index.js";
import type { HeadResult } from "./destination-fill.js";
import type { Inventory } from "./inventory.js";
import { NarrowColumn } from "./narrow-column.js";
import { mappedBytesOf, mappedInt32Array, SlabPages } from "./page-memory.js";

function grownInt32(array: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(length);
  next.set(array);
  return next;
}

/** Where `id` is in `sorted` (ascending ids), -1 when it is not there. */
export function sortedIndexOf(sorted: Int32Array, id: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = sorted[middle]!;
    if (at === id) return middle;
    if (at < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Destination name → the sources replicating into it (names sorted: the same order as their ARNs). */
export interface ReplicatedFromReader {
  get(name: string): string[] | undefined;
  /** The destinations, in the order a source first named them. */
  keys(): Iterable<string>;
}

/**
 * The sources of each destination bucket as id lists: one Int32 per (destination, source) pair,
 * found by a binary search over the destinations' ids (~15% of the ids: 8 bytes a destination, not
 * 4 an id of the organization, kept to the end: ~4 MB less at a million buckets).
 */
export class ReplicatedFrom implements ReplicatedFromReader {
  private constructor(
    private readonly inventory: Inventory,
    /** The destinations' ids, ascending; `starts[k]` is where `destinationIds[k]`'s sources start, `starts[k + 1]` where they end. */
    private readonly destinationIds: Int32Array,
    private readonly starts: Int32Array,
    private readonly sources: Int32Array,
    /** Destination ids in the order a source first named them. */
    private readonly order: Int32Array,
  ) {}

  /**
   * Every rule's destination that is a bucket of the inventory, with each source once (a source's
   * rules come together, so a repeat can only be among its own), each list sorted by name.
   */
  static of(inventory: Inventory): ReplicatedFrom {
    const ids = inventory.idCount;
    const eachPair = (visit: (destination: number, source: number) => void): void => {
      for (const source of inventory.bucketIds()) {
        const targets = inventory.destinationIds(source);
        if (targets === null) continue;
        for (let i = 0; i < targets.length; i++) {
          const destination = targets[i]!;
          if (inventory.isBucket(destination) && targets.indexOf(destination) === i) visit(destination, source);
        }
      }
    };
    // Counted, placed and filled in the one id-indexed array kept (no whole-organization counts or
    // cursors beside it: 8 bytes a name at a million buckets): `offsets[d + 1]` counts d's sources,
    // then holds where d's sources end as they are filled in, then is shifted to where they start.
    // Both mapped outside malloc at a large organization's size (scan/page-memory.ts): freed, a
    // malloc'd 4 MB would raise glibc's threshold and leave every later buffer under it in the arena.
    const offsets = mappedInt32Array(ids + 1);
    let order: Int32Array<ArrayBuffer> = new Int32Array(1024);
    let destinations = 0;
    eachPair((destination) => {
      const seen = offsets[destination + 1]!;
      offsets[destination + 1] = seen + 1;
      if (seen !== 0) return;
      if (destinations === order.length) order = grownInt32(order, destinations * 2);
      order[destinations++] = destination;
    });
    for (let id = 0; id < ids; id++) offsets[id + 1] = offsets[id + 1]! + offsets[id]!;
    const sources = mappedInt32Array(offsets[ids]!);
    // Filled from each list's start, `offsets[d]` moving to d's end (d + 1's start); shifted back below.
    eachPair((destination, source) => {
      const at = offsets[destination]!;
      offsets[destination] = at + 1;
      sources[at] = source;
    });
    offsets.copyWithin(1, 0, ids);
    offsets[0] = 0;
    const destinationIds = order.slice(0, destinations).sort();
    const starts = new Int32Array(destinations + 1);
    destinationIds.forEach((id, k) => (starts[k] = offsets[id]!));
    starts[destinations] = sources.length;
    const table = new ReplicatedFrom(inventory, destinationIds, starts, sources, order.slice(0, destinations));
    for (let k = 0; k < destinations; k++) table.sortSources(k);
    return table;
  }

  get size(): number {
    return this.order.length;
  }

  /** Bytes it holds (tests): 12 a destination (its id, its start, its place in `order`) and 4 a pair. */
  get byteLength(): number {
    return this.destinationIds.byteLength + this.starts.byteLength + this.sources.byteLength + this.order.byteLength;
  }

  /** Of those, the bytes in mapped memory, which `process.memoryUsage().arrayBuffers` does not count (benches). */
  get mappedBytes(): number {
    return mappedBytesOf(this.sources);
  }

  get(name: string): string[] | undefined {
    const id = this.inventory.idOf(name);
    const k = id < 0 ? -1 : sortedIndexOf(this.destinationIds, id);
    if (k < 0) return undefined;
    return Array.from(this.sources.subarray(this.starts[k]!, this.starts[k + 1]!), (source) => this.inventory.nameOf(source));
  }

  *keys(): IterableIterator<string> {
    for (const id of this.order) yield this.inventory.nameOf(id);
  }

  /** By name, as `Array.prototype.sort` orders strings (UTF-16 code units). */
  private sortSources(k: number): void {
    const slice = this.sources.subarray(this.starts[k]!, this.starts[k + 1]!);
    if (slice.length < 2) return;
    const named = Array.from(slice, (id) => ({ id, name: this.inventory.nameOf(id) }));
    named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    named.forEach((entry, i) => (slice[i] = entry.id));
  }
}

/** The document fields a destination's second-pass reads filled, its new errors and collected facts. */
export interface Patch {
  fields: Partial<BucketDocument>;
  errors: BucketError[];
  collected: FactName[];
}

export interface PatchReader {
  /** A copy of the destination's patch: the caller may keep its objects in a document. */
  get(name: string): Patch | undefined;
}

/** `undefined` kept apart from a missing field in the key (JSON would drop both). */
const keyOf = (patch: Patch): string => JSON.stringify(patch, (_key, value: unknown) => (value === undefined ? { "\u0000undefined": true } : value));

/**
 * Destination name → its patch: per name of the inventory, its patch's index + 1 (0: none) in a
 * narrow column (scan/narrow-column.ts: 8 bits while there are fewer than 255 distinct patches,
 * nearly always: a million buckets' 4 MB of 32-bit index was 1 MB), and one copy of each distinct
 * patch. Filled from the accounts stage on (the early access batches' destination reads,
 * scan/early-access.ts) while names are still added, so its index grows with the inventory's ids,
 * in pages (scan/narrow-column.ts: no copy as it grows, no trim after); the destination pass goes on
 * filling the same table (a `Map` by name before: ~80 bytes a destination).
 */
export class Patches implements PatchReader {
  /** The index's pages, outside malloc's arena past its first 256 KiB (scan/page-memory.ts). */
  private readonly memory = new SlabPages();
  private readonly index = new NarrowColumn(this.memory);
  private readonly patches: Patch[] = [];
  private readonly known = new Map<string, number>();
  private count = 0;

  constructor(private readonly inventory: Inventory) {}

  /** Destinations with a patch. */
  get size(): number {
    return this.count;
  }

  /** Distinct patches kept (diagnostics: nearly every destination's is the same). */
  get distinct(): number {
    return this.patches.length;
  }

  set(name: string, patch: Patch): void {
    const id = this.inventory.idOf(name);
    if (id < 0) throw new Error(`no inventory entry for ${name}`);
    const key = keyOf(patch);
    let at = this.known.get(key);
    if (at === undefined) {
      at = this.patches.push(patch) - 1;
      this.known.set(key, at);
    }
    this.index.ensure(id + 1);
    if (this.index.get(id) === 0) this.count++;
    this.index.set(id, at + 1);
  }

  /** Bytes of its index (tests: at most a page beyond the ids it covers). */
  get byteLength(): number {
    return this.index.byteLength;
  }

  /** Of those, the bytes in mapped memory, which `process.memoryUsage().arrayBuffers` does not count (benches). */
  get mappedBytes(): number {
    return this.memory.mappedBytes;
  }

  has(name: string): boolean {
    const id = this.inventory.idOf(name);
    return id >= 0 && id < this.index.capacity && this.index.get(id) !== 0;
  }

  get(name: string): Patch | undefined {
    const id = this.index.capacity === 0 ? -1 : this.inventory.idOf(name);
    const at = id < 0 || id >= this.index.capacity ? 0 : this.index.get(id);
    return at === 0 ? undefined : structuredClone(this.patches[at - 1]!);
  }
}

/**
 * HeadBucket's answers for the destinations outside the inventory, by the destination's inventory
 * id (every name a rule names has one), equal answers without an error one object: kept from the
 * destinations stage to the handoff's end, a `Map` by name was ~2 MB of names and answers at a
 * million buckets (~28,000 probed destinations, docs/memory.md).
 */
export class HeadAnswers {
  private readonly byId = new Map<number, HeadResult>();
  private readonly shared = new Map<string, HeadResult>();

  constructor(private readonly inventory: Pick<Inventory, "idOf">) {}

  set(name: string, answer: HeadResult): void {
    const id = this.inventory.idOf(name);
    if (id < 0) throw new Error(`no inventory entry for ${name}`);
    this.byId.set(id, answer.error === null ? this.one(answer) : answer);
  }

  get(name: string): HeadResult | undefined {
    const id = this.byId.size === 0 ? -1 : this.inventory.idOf(name);
    return id < 0 ? undefined : this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  values(): IterableIterator<HeadResult> {
    return this.byId.values();
  }

  private one(answer: HeadResult): HeadResult {
    const key = `${String(answer.exists)} ${answer.region ?? ""}`;
    const known = this.shared.get(key);
    if (known !== undefined) return known;
    this.shared.set(key, answer);
    return answer;
  }
}