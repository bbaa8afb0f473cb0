/**
 * Where the packed inventory's pages and hash table live (docs/memory.md, "Outside malloc's
 * arena"). Node gives a small `ArrayBuffer` its memory from malloc's arena, and glibc keeps what
 * is freed there: at a million buckets the arena ended the scan at 52 MB against 19 at 100,000,
 * and none of it went back to the system for the reports. Worse, freeing a buffer malloc had
 * mapped on its own (the hash table's previous size at each doubling: 4 MiB at a million) raises
 * glibc's threshold for mapping a buffer on its own to that size, so every later buffer under it
 * (the spool's and the snapshot's chunks) is carved from the arena too, and kept there once freed.
 *
 * WebAssembly memory is mapped by V8 itself, outside malloc: a page of it is resident only once
 * written, and all of it is unmapped when its buffer is collected. So the inventory's pages are cut
 * from slabs of it (a slab's unused end costs address space, not memory), and the hash table is one
 * memory of its own at each size. Pages are never given back one by one: the columns only grow (a
 * widened column's narrower pages stay in their slab, a few KiB). Where WebAssembly is missing
 * (`node --jitless`), plain `ArrayBuffer`s, as before.
 */

/** The typed pages a column asks for: zero-filled, `length` entries. */
export interface PageMemory {
  uint8(length: number): Uint8Array;
  uint16(length: number): Uint16Array;
  uint32(length: number): Uint32Array;
  int32(length: number): Int32Array;
}

/** Pages on V8's heap's `ArrayBuffer`s (malloc's): for tables that are small or short-lived. */
export const heapPages: PageMemory = {
  uint8: (length) => new Uint8Array(length),
  uint16: (length) => new Uint16Array(length),
  uint32: (length) => new Uint32Array(length),
  int32: (length) => new Int32Array(length),
};

/** WebAssembly's unit of memory. */
const WASM_PAGE = 65_536;
/** A slab: 32 MiB of address space, resident only as pages are written (at a million buckets the inventory's pages take ~30 MB). */
export const SLAB_BYTES = 32 * 2 ** 20;
/** `WebAssembly.Memory` (the project's TypeScript libraries do not declare it), or undefined under `--jitless`. */
type WasmMemory = new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
const WasmMemory = (globalThis as { WebAssembly?: { Memory?: WasmMemory } }).WebAssembly?.Memory;

/** Buffers mapped here: `process.memoryUsage()` counts none of them in `arrayBuffers` (and each whole in `external`). */
const mapped = new WeakSet<ArrayBuffer>();

/** Bytes of `view` in mapped memory, 0 when on malloc's: what a measurement by `arrayBuffers` misses. */
export const mappedBytesOf = (view: ArrayBufferView): number => (mapped.has(view.buffer as ArrayBuffer) ? view.byteLength : 0);

/**
 * `bytes` (a multiple of WASM_PAGE) of zeroed memory mapped outside malloc; a plain buffer without
 * WebAssembly, or when V8 cannot map more (each WebAssembly memory reserves gigabytes of address
 * space for its guard region: under an address-space limit `ulimit -v` the mapping is refused).
 */
function mappedBuffer(bytes: number): ArrayBuffer {
  const pages = bytes / WASM_PAGE;
  if (WasmMemory === undefined) return new ArrayBuffer(bytes);
  try {
    const buffer = new WasmMemory({ initial: pages, maximum: pages }).buffer;
    mapped.add(buffer);
    return buffer;
  } catch {
    return new ArrayBuffer(bytes);
  }
}

/**
 * A table below this stays on malloc's: glibc carves buffers under 128 KiB from its arena anyway,
 * and freeing one does not move its threshold; a small organization (every test) makes no mapping.
 */
export const MAPPED_FROM_BYTES = 256 * 1024;

/**
 * `length` zeroed bytes, in a memory of their own from MAPPED_FROM_BYTES on: a buffer freed whole
 * later (the spool's read buffers when the scan ends, just before the reports), whose freeing must
 * not raise glibc's threshold for the buffers after it.
 */
export function mappedUint8Array(length: number): Uint8Array {
  if (length < MAPPED_FROM_BYTES) return new Uint8Array(length);
  return new Uint8Array(mappedBuffer(Math.ceil(length / WASM_PAGE) * WASM_PAGE), 0, length);
}

/** `length` zeroed 32-bit entries, in a memory of their own from MAPPED_FROM_BYTES on (the resolution tables). */
export function mappedInt32Array(length: number): Int32Array {
  return new Int32Array(mappedUint8Array(length * 4).buffer, 0, length);
}

/** A growing table's largest size: WebAssembly's 4 GiB (address space, reserved by V8 for every memory whatever its maximum). */
const MAX_WASM_PAGES = 65_536;

/**
 * A table replaced whole as it grows (the inventory's hash table, rebuilt at each larger size): one
 * WebAssembly memory grown in place, so no earlier size is left mapped until a GC collects it (the
 * hash table as a new memory at each doubling left up to its own size of garbage beside it). Below
 * MAPPED_FROM_BYTES, and where no memory can be mapped or grown, a plain buffer at each size.
 */
export class GrowingTable {
  private memory: InstanceType<WasmMemory> | null = null;

  /** `length` zeroed entries; the table given before is not to be used after. */
  uint32(length: number): Uint32Array {
    const bytes = length * 4;
    if (bytes < MAPPED_FROM_BYTES || WasmMemory === undefined) return new Uint32Array(length);
    const pages = Math.ceil(bytes / WASM_PAGE);
    try {
      if (this.memory === null) this.memory = new WasmMemory({ initial: pages, maximum: MAX_WASM_PAGES });
      const have = this.memory.buffer.byteLength / WASM_PAGE;
      if (have < pages) this.memory.grow(pages - have);
    } catch {
      this.memory = null;
      return new Uint32Array(length);
    }
    const buffer = this.memory.buffer;
    mapped.add(buffer);
    return new Uint32Array(buffer, 0, length).fill(0);
  }
}

/**
 * Pages cut from slabs of mapped memory, one after the other (4-byte aligned: every page is whole
 * entries of at most 4 bytes); the first MAPPED_FROM_BYTES on malloc's, so a small organization's
 * inventory maps nothing.
 */
export class SlabPages implements PageMemory {
  private slab: ArrayBuffer | null = null;
  private used = 0;
  /** Bytes given out on malloc's before the first slab. */
  private unmapped = 0;
  /** Slabs taken so far (diagnostics and tests). */
  slabs = 0;
  /** Bytes given out from mapped memory: what `process.memoryUsage().arrayBuffers` does not count (tests and benches). */
  mappedBytes = 0;

  /** `slabBytes`: a whole number of WebAssembly pages (64 KiB); tests take small slabs, and `heapBytes` 0 to map from the first page. */
  constructor(
    private readonly slabBytes = SLAB_BYTES,
    private readonly heapBytes = MAPPED_FROM_BYTES,
  ) {
    if (slabBytes <= 0 || slabBytes % WASM_PAGE !== 0) throw new RangeError(`slab size ${slabBytes} is not a whole number of 64 KiB pages`);
  }

  uint8(length: number): Uint8Array {
    const [buffer, offset] = this.take(length);
    return new Uint8Array(buffer, offset, length);
  }

  uint16(length: number): Uint16Array {
    const [buffer, offset] = this.take(length * 2);
    return new Uint16Array(buffer, offset, length);
  }

  uint32(length: number): Uint32Array {
    const [buffer, offset] = this.take(length * 4);
    return new Uint32Array(buffer, offset, length);
  }

  int32(length: number): Int32Array {
    const [buffer, offset] = this.take(length * 4);
    return new Int32Array(buffer, offset, length);
  }

  /** Room for `bytes`: the slab under way, a new one when it is full, a mapping of its own when larger than a slab. */
  private take(bytes: number): [ArrayBuffer, number] {
    const aligned = (bytes + 3) & ~3;
    if (this.slab === null && this.unmapped + aligned <= this.heapBytes) {
      this.unmapped += aligned;
      return [new ArrayBuffer(aligned), 0];
    }
    if (aligned > this.slabBytes) return this.counted(mappedBuffer(Math.ceil(aligned / WASM_PAGE) * WASM_PAGE), 0, aligned);
    if (this.slab === null || this.used + aligned > this.slabBytes) {
      this.slab = mappedBuffer(this.slabBytes);
      this.used = 0;
      this.slabs++;
    }
    const offset = this.used;
    this.used += aligned;
    return this.counted(this.slab, offset, aligned);
  }

  private counted(buffer: ArrayBuffer, offset: number, bytes: number): [ArrayBuffer, number] {
    if (mapped.has(buffer)) this.mappedBytes += bytes;
    return [buffer, offset];
  }
}
