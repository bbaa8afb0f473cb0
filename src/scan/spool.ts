/**
 * Where the scan keeps bucket documents between reading them and handing them on: a temporary file,
 * one JSON line per document, written one account at a time. In memory stays only the inventory
 * (name → owner, region and the few facts destination resolution copies), so the scan's memory
 * does not grow with the documents' size: a 1,000,000-bucket organization spools to disk.
 * Documents come back in (account id, bucket name) order, at most a chunk of one account at a time
 * when its blocks were written in name order (docs/memory.md "One account of many buckets").
 */
import { channel } from "node:diagnostics_channel";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { AccountRef, BucketDocument, FactName, ObjectLock, VersioningStatus } from "../model/index.js";
import { bucketOrder } from "../model/index.js";
import { mappedUint8Array } from "./page-memory.js";
import { ScratchDirectory } from "./scratch.js";

/**
 * What the scan keeps of each bucket until the end: enough to resolve a destination into it
 * (`fillResolved` reads exactly these) and to probe the destinations of its rules.
 */
export interface InventoryEntry {
  name: string;
  region: string;
  /** Shared with every document of the account: one object per account. */
  account: AccountRef;
  versioning: { status: VersioningStatus } | null;
  objectLock: ObjectLock | null;
  /** Only the calls that failed (the destination copies "unreadable" from them). */
  errors: { operation: string }[];
  collected: FactName[];
  /** Destination bucket names of its replication rules, or null for a bucket without rules. */
  destinations: string[] | null;
}

/**
 * The inventory holds one entry per bucket of the organization, so an entry is kept small: the ARN
 * is derived from the name (`unreadBucketDocument` makes it so), and the values most buckets share
 * (the region, the versioning status, the facts collected, no error, Object Lock) are one object
 * each, interned, not one per bucket. Nothing mutates them: resolve.ts replaces an entry's fields.
 */
class Entry implements InventoryEntry {
  constructor(
    readonly name: string,
    public region: string,
    public account: AccountRef,
    public versioning: { status: VersioningStatus } | null,
    public objectLock: ObjectLock | null,
    public errors: { operation: string }[],
    public collected: FactName[],
    public destinations: string[] | null,
  ) {}

  get arn(): string {
    return `arn:aws:s3:::${this.name}`;
  }
}

/** Values shared by many buckets, one copy each; a table stops growing past its cap (rare values stay unshared). */
class Interned<T> {
  private readonly values = new Map<string, T>();
  constructor(private readonly cap = 1000) {}
  get(key: string, value: T): T {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    if (this.values.size < this.cap) this.values.set(key, value);
    return value;
  }
}

const regions = new Interned<string>();
const statuses = new Interned<{ status: VersioningStatus }>();
const locks = new Interned<ObjectLock>();
const factLists = new Interned<FactName[]>();
const errorLists = new Interned<{ operation: string }[]>();

export function inventoryEntry(doc: BucketDocument): InventoryEntry {
  const rules = doc.replication?.rules ?? [];
  const errors = doc.errors.map((e) => ({ operation: e.operation }));
  return new Entry(
    doc.name,
    regions.get(doc.region, doc.region),
    doc.account,
    doc.versioning === null ? null : statuses.get(String(doc.versioning.status), { status: doc.versioning.status }),
    doc.objectLock === null ? null : locks.get(JSON.stringify(doc.objectLock), doc.objectLock),
    errorLists.get(JSON.stringify(errors), errors),
    factLists.get(doc.collected.join(","), [...doc.collected]),
    rules.length === 0 ? null : rules.map((r) => r.destination.bucket),
  );
}

interface Block {
  offset: number;
  length: number;
  /**
   * The first and last bucket names of a block whose documents were written in name order, or null
   * (written out of order, or encoded elsewhere: scan/workers.ts).
   */
  names: { first: string; last: string } | null;
}

/** Documents of one account handed out at once when its blocks can be streamed (`chunks`). */
export const SPOOL_CHUNK = 256;
/**
 * And at most about this many bytes of their JSON: a bound for documents far larger than usual (a
 * bucket of many rules, long error messages; before bucket document 2.0.0, every replicating
 * document named every bucket of its role, tens of KB each in an account of many buckets).
 */
const CHUNK_BYTES = 4 << 20;

/**
 * Diagnostics (free without a subscriber): each block written, `{ write: documents }`, and each
 * chunk read back, `{ read: documents }` (test/scan/big-account.test.ts bounds what one account holds).
 */
export const SPOOL = channel("replguard:spool");

/** The first and last names of documents in strictly increasing name order, or null. */
function nameRange(docs: readonly BucketDocument[]): Block["names"] {
  for (let i = 1; i < docs.length; i++) if (!(docs[i - 1]!.name < docs[i]!.name)) return null;
  return { first: docs[0]!.name, last: docs[docs.length - 1]!.name };
}

/**
 * The account's blocks in name order, when each is in name order and none overlaps another (the
 * scan writes an account's documents in listing order, a chunk at a time; the access pass its
 * batches' in any order); else null, and the account is read whole and sorted.
 */
function streamable(blocks: readonly Block[]): Block[] | null {
  if (blocks.some((block) => block.names === null)) return null;
  const sorted = [...blocks].sort((a, b) => (a.names!.first < b.names!.first ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) if (!(sorted[i - 1]!.names!.last < sorted[i]!.names!.first)) return null;
  return sorted;
}

const READ_SLICE = 1 << 20;

/**
 * A read buffer outside malloc's arena (scan/page-memory.ts): the kept ones are freed when the
 * spool closes, at the scan's end, and a freed malloc buffer of 1 MiB would raise glibc's threshold
 * for mapping a buffer on its own just before the reports (at a million buckets their arena was
 * 21 MB against the access pass's 17: docs/memory.md).
 */
function readBuffer(size: number): Buffer {
  const bytes = mappedUint8Array(size);
  return Buffer.from(bytes.buffer, bytes.byteOffset, size);
}

/** A buffer of `size` bytes holding the first `used` of `buffer`. */
function larger(buffer: Buffer, used: number, size: number): Buffer {
  const grown = readBuffer(size);
  buffer.copy(grown, 0, 0, used);
  return grown;
}

/**
 * The JSON of a block encoded this much at a time (see `encode`): under glibc's first threshold for
 * mapping a buffer on its own (128 KiB), so that freeing a piece never raises that threshold (as a
 * freed 1 MiB piece did, for every buffer after it: see `lines`).
 */
export const ENCODE_SLICE = 64 << 10;

/**
 * Documents as JSON lines, in UTF-8 pieces of about `ENCODE_SLICE`: encoded now (the caller may
 * change them once `add` returns), but never as one string of them all. An account's completed
 * documents name every user of their role, so 550 replicating buckets of one role were one ~7 MB
 * string joined from 550 others as large, and the buffer made of it, three copies at once.
 */
export function encode(docs: readonly BucketDocument[]): Buffer[] {
  const pieces: Buffer[] = [];
  let lines: string[] = [];
  let length = 0;
  for (const doc of docs) {
    const line = `${JSON.stringify(doc)}\n`;
    lines.push(line);
    length += line.length;
    if (length >= ENCODE_SLICE) {
      pieces.push(Buffer.from(lines.join(""), "utf8"));
      lines = [];
      length = 0;
    }
  }
  if (lines.length > 0) pieces.push(Buffer.from(lines.join(""), "utf8"));
  return pieces;
}

export class DocumentSpool {
  /** Removed with the spool, or at exit when the scan is interrupted. */
  private readonly scratch = new ScratchDirectory();
  private readonly file = join(this.scratch.path, "documents.ndjson");
  private handle: FileHandle | null = null;
  private size = 0;
  /** Byte ranges of each account's documents (an account is written in one block). */
  private readonly blocks = new Map<string, Block[]>();
  /** Accounts in writing order are written one after another: appends never interleave. */
  private queue: Promise<void> = Promise.resolve();
  /** READ_SLICE buffers for `lines`, one for each reading that ran at once (two readings go in step: the handoff's). */
  private readonly readBuffers: Buffer[] = [];

  /** The spool's temporary directory: what else the scan keeps on disk goes there too (the inventory's names), removed with it. */
  get directory(): string {
    return this.scratch.path;
  }

  /** Appends an account's documents; the caller may drop them once this resolves. */
  add(accountId: string, docs: readonly BucketDocument[]): Promise<void> {
    if (docs.length === 0) return this.queue;
    if (SPOOL.hasSubscribers) SPOOL.publish({ write: docs.length });
    return this.write(accountId, encode(docs), nameRange(docs));
  }

  /** Appends an account's documents already encoded as JSON lines (by a scan worker thread, src/scan/workers.ts). */
  addEncoded(accountId: string, text: Uint8Array): Promise<void> {
    return this.write(accountId, text, null);
  }

  private write(accountId: string, text: Uint8Array | Uint8Array[], names: Block["names"]): Promise<void> {
    const pieces = Array.isArray(text) ? text : [text];
    const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
    if (length === 0) return this.queue;
    this.queue = this.queue.then(async () => {
      this.handle ??= await open(this.file, "w+");
      // The pieces in one call (they are small: `ENCODE_SLICE`).
      const { bytesWritten } = await this.handle.writev(pieces, this.size);
      if (bytesWritten !== length) throw new Error(`writing the scan's document spool ${this.file} stopped after ${bytesWritten} of ${length} bytes (is its disk full?)`);
      const list = this.blocks.get(accountId) ?? [];
      list.push({ offset: this.size, length, names });
      this.blocks.set(accountId, list);
      this.size += length;
    });
    return this.queue;
  }

  /**
   * Forgets what was written of an account (its bytes stay in the file, unread): the access pass
   * completed it ahead, then found it must be completed again with others (scan/early-access.ts).
   */
  async discard(accountId: string): Promise<void> {
    await this.queue;
    this.blocks.delete(accountId);
  }

  /**
   * Every account's documents, by account id then bucket name, at most `max` of one account at a
   * time (`last`: the account's final chunk). An account whose blocks are not streamable is read
   * whole and sorted first (its chunks are then only handed out smaller). The accounts in `skip`
   * (or not in `only`) are passed over without being read.
   */
  async *chunks(options: { skip?: ReadonlySet<string>; only?: ReadonlySet<string>; max?: number } = {}): AsyncGenerator<{ accountId: string; documents: BucketDocument[]; last: boolean }> {
    await this.queue;
    const { skip, only, max = SPOOL_CHUNK } = options;
    const accounts = [...this.blocks.keys()].filter((id) => skip?.has(id) !== true && (only === undefined || only.has(id))).sort();
    for (const accountId of accounts) {
      const blocks = this.blocks.get(accountId)!;
      const ordered = streamable(blocks);
      let chunk: BucketDocument[] = [];
      if (ordered === null) {
        const all: BucketDocument[] = [];
        for (const block of blocks) for await (const [doc] of this.lines(block)) all.push(doc);
        all.sort(bucketOrder);
        for (let at = 0; at < all.length; at += max) {
          const documents = all.slice(at, at + max);
          if (SPOOL.hasSubscribers) SPOOL.publish({ read: all.length });
          yield { accountId, documents, last: at + max >= all.length };
        }
        continue;
      }
      let bytes = 0;
      for (const block of ordered) {
        for await (const [doc, size] of this.lines(block)) {
          if (chunk.length === max || (bytes >= CHUNK_BYTES && chunk.length > 0)) {
            if (SPOOL.hasSubscribers) SPOOL.publish({ read: chunk.length });
            yield { accountId, documents: chunk, last: false };
            chunk = [];
            bytes = 0;
          }
          chunk.push(doc);
          bytes += size;
        }
      }
      if (SPOOL.hasSubscribers) SPOOL.publish({ read: chunk.length });
      yield { accountId, documents: chunk, last: true };
    }
  }

  /**
   * A block's documents and their lengths, read at most 1 MiB at a time (a line longer than that is
   * read whole) into a buffer of the spool's kept for the next reading, after the part of a line the
   * last read left. A new 1 MiB buffer a slice, freed after it, raised glibc's threshold for mapping
   * a buffer on its own to that size, and from then on the other buffers under it (the spool's
   * writes, the snapshot's chunks) came from malloc's arena and stayed there once freed: at a
   * million buckets (blocks of ~1 MB) the arena grew by ~12 MB in the access pass's first reading,
   * against ~3 at 100,000 (docs/memory.md).
   */
  private async *lines(block: Block): AsyncGenerator<[BucketDocument, number]> {
    const end = block.offset + block.length;
    let buffer = this.readBuffers.pop() ?? readBuffer(READ_SLICE);
    // The bytes after the last slice's last newline, at the buffer's start (a line's start, maybe cut inside a UTF-8 character).
    let kept = 0;
    try {
      for (let at = block.offset; at < end; ) {
        // A line longer than the buffer: a larger one, for the rest of this block.
        if (kept === buffer.length) buffer = larger(buffer, kept, 2 * kept);
        const length = Math.min(buffer.length - kept, end - at);
        await this.handle!.read(buffer, kept, length, at);
        at += length;
        const filled = kept + length;
        // No newline in it (-1): all of it is the start of a line, kept.
        const cut = buffer.lastIndexOf(10, filled - 1) + 1;
        const text = buffer.toString("utf8", 0, cut);
        buffer.copy(buffer, 0, cut, filled);
        kept = filled - cut;
        for (const line of text.split("\n")) if (line !== "") yield [JSON.parse(line) as BucketDocument, line.length];
      }
      if (kept > 0) yield [JSON.parse(buffer.toString("utf8", 0, kept)) as BucketDocument, kept];
    } finally {
      // Kept only at the usual size: a buffer grown for one long line goes.
      if (buffer.length === READ_SLICE) this.readBuffers.push(buffer);
    }
  }

  /** Every document, by account id then bucket name (but those of `skip`); at most a chunk of one account in memory at a time. */
  async *documents(skip?: ReadonlySet<string>, max?: number): AsyncGenerator<BucketDocument> {
    for await (const { documents } of this.chunks({ ...(skip === undefined ? {} : { skip }), ...(max === undefined ? {} : { max }) })) yield* documents;
  }

  /** Closes and removes the file (and its directory). */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.handle?.close();
    this.handle = null;
    this.scratch.remove();
  }
}
