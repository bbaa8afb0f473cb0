/**
 * The inventory's names, on disk (scan/inventory.ts): each name's bytes (latin1, or UTF-16 when a
 * character is above U+00FF) appended to a file in the scan's temporary directory, addressed by
 * their offset. In memory stay the last 64 KiB appended (not yet written: the names the next
 * buckets' rules name most, a sibling listed just before), a 64 KiB window read ahead when names are
 * read back in file order (resolution's passes, the handoff), and the last names read, by address
 * (a name many rules name, an archive bucket, is read once). At a million buckets the names were
 * ~32 MB of memory kept to the scan's end, and memory freed from small array buffers is not given
 * back to the system (docs/memory.md "The names on disk"): now they are ~200 KB.
 *
 * Reads and writes are synchronous (`idOf` and `nameOf` are): a read is a `pread` of bytes the
 * system's page cache nearly always holds. A failed write or read, or a file shorter than what was
 * written, fails the scan with one error naming the file, and every later use fails the same way:
 * never a wrong answer.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ReplguardError } from "../errors.js";
import { hashOfBytes } from "./name-hash.js";
import { ScratchDirectory } from "./scratch.js";

export type NameEncoding = "latin1" | "utf16le";

/** Bytes appended before they are written out. */
const WRITE_BUFFER = 1 << 16;
/** Bytes read at once when names are read back in file order: the first window, doubled as the order goes on up to the last. */
const FIRST_WINDOW = 1 << 12;
const DOUBLINGS = 4;
const READ_WINDOW = FIRST_WINDOW << DOUBLINGS;
/** A name starting at most this far past the last one asked of the file is read with a window (a pass in file order, skipping a few). */
const AHEAD = 1 << 12;
/** Names remembered by address, direct-mapped. */
const CACHE_BITS = 10;
/** Addresses fit 31 bits: the inventory keeps the 32nd for UTF-16. */
const MAX_BYTES = 2 ** 31;

export class NameFile {
  private fd: number | null = null;
  /** Its own temporary directory, when it was given none. */
  private scratch: ScratchDirectory | null = null;
  private path = "";
  /** Bytes in the file; the `fill` bytes of `pending` come after them. */
  private flushed = 0;
  private readonly pending: Buffer;
  private fill = 0;
  /** File bytes [windowFrom, windowTo), read ahead. */
  private window = Buffer.alloc(0);
  private windowFrom = 0;
  private windowTo = 0;
  /** Where the last name asked of the file (or its window) ends, and how many windows were read in a row. */
  private lastEnd = 0;
  private windows = 0;
  private readonly cachedAt = new Int32Array(1 << CACHE_BITS).fill(-1);
  private readonly cached: string[] = new Array<string>(1 << CACHE_BITS).fill("");
  /** A name encoded to compare, and a name's bytes read alone. */
  private encoded = Buffer.alloc(256);
  private single = Buffer.alloc(256);
  private failure: Error | null = null;
  /** Reads of the file so far and their bytes (bench/inventory.ts, tests). */
  readonly reads = { count: 0, bytes: 0 };

  /**
   * `directory`: where its file goes (the scan's temporary directory); by default a temporary
   * directory of its own. `writeBuffer`: bytes appended before they are written (tests: a few names then cross flushes).
   */
  constructor(
    private readonly directory?: string,
    writeBuffer = WRITE_BUFFER,
  ) {
    this.pending = Buffer.alloc(writeBuffer);
  }

  /** Its file, once the first names were written out (tests). */
  get file(): string | null {
    return this.path === "" ? null : this.path;
  }

  /** Bytes appended so far: where the next name starts. */
  get length(): number {
    return this.flushed + this.fill;
  }

  /** Bytes it holds in memory. */
  get byteLength(): number {
    return this.pending.length + this.window.length + this.encoded.length + this.single.length + this.cachedAt.byteLength;
  }

  /** Appends a name of `length` bytes in `encoding`; its address. */
  append(name: string, encoding: NameEncoding, length: number): number {
    this.usable();
    const address = this.length;
    if (address + length > MAX_BYTES) this.fail(`holds more than ${MAX_BYTES} bytes of names`);
    if (this.fill + length > this.pending.length) {
      this.flush();
      if (length > this.pending.length) {
        this.writeOut(Buffer.from(name, encoding), address);
        this.flushed += length;
        return address;
      }
    }
    this.pending.write(name, this.fill, length, encoding);
    this.fill += length;
    return address;
  }

  /** Whether the name at [address, end) is `name` (of that many bytes in `encoding`: the caller compared the lengths). */
  equals(address: number, end: number, name: string, encoding: NameEncoding): boolean {
    this.usable();
    // An empty name shares its address with the next name: never remembered by it.
    if (end === address) return true;
    const slot = slotOf(address);
    if (this.cachedAt[slot] === address) return this.cached[slot] === name;
    const length = end - address;
    if (this.encoded.length < length) this.encoded = Buffer.alloc(length * 2);
    this.encoded.write(name, 0, length, encoding);
    const [bytes, from] = this.bytes(address, end);
    if (bytes.compare(this.encoded, 0, length, from, from + length) !== 0) return false;
    this.remember(slot, address, name);
    return true;
  }

  /** The name at [address, end). */
  text(address: number, end: number, encoding: NameEncoding): string {
    this.usable();
    if (end === address) return "";
    const slot = slotOf(address);
    if (this.cachedAt[slot] === address) return this.cached[slot]!;
    const [bytes, from] = this.bytes(address, end);
    const name = bytes.toString(encoding, from, from + end - address);
    this.remember(slot, address, name);
    return name;
  }

  /** The hash of the name at [address, end) (scan/name-hash.ts), from its bytes: no string made. Names asked in file order are read a window at a time. */
  hash(address: number, end: number, encoding: NameEncoding): number {
    this.usable();
    if (end === address) return hashOfBytes(this.pending, 0, 0, encoding);
    const [bytes, from] = this.bytes(address, end);
    return hashOfBytes(bytes, from, from + end - address, encoding);
  }

  /** Closes and removes its file; it answers nothing after. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.scratch !== null) this.scratch.remove();
    else if (this.path !== "") rmSync(this.path, { force: true });
    this.failure ??= new Error("the inventory's names were closed");
  }

  /**
   * The bytes at [address, end) as a buffer and where they start in it; valid until the next call.
   * A name just past the last one asked of the file is read with a window: names asked in file
   * order (resolution's passes; the handoff, whose account's names are in listing order there, a
   * chunk at a time) cost a read a window; others, one read each. The window starts small (a
   * bucket's destination is often the next name: a sibling) and doubles while the order goes on.
   */
  private bytes(address: number, end: number): [Buffer, number] {
    if (address >= this.flushed) return [this.pending, address - this.flushed];
    const ahead = address >= this.lastEnd && address - this.lastEnd <= AHEAD;
    this.lastEnd = end;
    if (address >= this.windowFrom && end <= this.windowTo) return [this.window, address - this.windowFrom];
    const length = end - address;
    if (ahead && length <= READ_WINDOW) {
      if (this.window.length === 0) this.window = Buffer.alloc(READ_WINDOW);
      const to = Math.min(this.flushed, address + Math.max(length, FIRST_WINDOW << Math.min(this.windows++, DOUBLINGS)));
      // Emptied first: should the read fail, nothing stale answers after.
      this.windowTo = this.windowFrom = 0;
      this.readIn(this.window, to - address, address);
      [this.windowFrom, this.windowTo] = [address, to];
      return [this.window, 0];
    }
    this.windows = 0;
    if (this.single.length < length) this.single = Buffer.alloc(Math.max(length, this.single.length * 2));
    this.readIn(this.single, length, address);
    return [this.single, 0];
  }

  private remember(slot: number, address: number, name: string): void {
    this.cachedAt[slot] = address;
    this.cached[slot] = name;
  }

  private flush(): void {
    if (this.fill === 0) return;
    this.writeOut(this.pending.subarray(0, this.fill), this.flushed);
    this.flushed += this.fill;
    this.fill = 0;
  }

  private writeOut(bytes: Buffer, position: number): void {
    try {
      if (this.fd === null) {
        if (this.directory === undefined) this.scratch = new ScratchDirectory();
        this.path = join(this.directory ?? this.scratch!.path, "inventory-names.bin");
        this.fd = openSync(this.path, "w+");
      }
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, position + done);
    } catch (error) {
      this.fail(`could not be written (${(error as Error).message})`, error);
    }
  }

  private readIn(into: Buffer, length: number, position: number): void {
    let done = 0;
    try {
      while (done < length) {
        const got = readSync(this.fd!, into, done, length - done, position + done);
        if (got === 0) break;
        done += got;
      }
    } catch (error) {
      this.fail(`could not be read back (${(error as Error).message})`, error);
    }
    if (done < length) this.fail(`ends before what was written to it (${length} bytes at ${position} asked, ${done} read)`);
    this.reads.count++;
    this.reads.bytes += length;
  }

  private fail(what: string, cause?: unknown): never {
    const where = this.path === "" ? "" : ` ${this.path}`;
    this.failure = new ReplguardError(`the scan's inventory of bucket names${where} ${what}; the scan is incomplete and no report was written`, cause === undefined ? undefined : { cause });
    throw this.failure;
  }

  private usable(): void {
    if (this.failure !== null) throw this.failure;
  }
}

/** Spread: names' addresses step by their lengths. */
const slotOf = (address: number): number => Math.imul(address, 0x9e3779b1) >>> (32 - CACHE_BITS);
