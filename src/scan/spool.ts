/**
 * Where the scan keeps bucket documents between reading them and handing them on: a temporary file,
 * one JSON line per document, written one account at a time. In memory stays only the inventory
 * (name → owner, region and the few facts destination resolution copies), so the scan's memory
 * does not grow with the documents' size: a 1,000,000-bucket organization spools to disk.
 * Documents come back one account at a time, in (account id, bucket name) order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccountRef, BucketDocument, FactName, ObjectLock, VersioningStatus } from "../model/index.js";
import { bucketOrder } from "../model/index.js";

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
}

export class DocumentSpool {
  private readonly dir = mkdtempSync(join(tmpdir(), "replguard-scan-"));
  private readonly file = join(this.dir, "documents.ndjson");
  private handle: FileHandle | null = null;
  private size = 0;
  /** Byte ranges of each account's documents (an account is written in one block). */
  private readonly blocks = new Map<string, Block[]>();
  /** Accounts in writing order are written one after another: appends never interleave. */
  private queue: Promise<void> = Promise.resolve();
  /** An interrupted scan (Ctrl-C exits the process) removes its file all the same. */
  private readonly onExit = (): void => rmSync(this.dir, { recursive: true, force: true });

  constructor() {
    process.once("exit", this.onExit);
  }

  /** Appends an account's documents; the caller may drop them once this resolves. */
  add(accountId: string, docs: readonly BucketDocument[]): Promise<void> {
    if (docs.length === 0) return this.queue;
    return this.addEncoded(accountId, Buffer.from(docs.map((doc) => `${JSON.stringify(doc)}\n`).join(""), "utf8"));
  }

  /** Appends an account's documents already encoded as JSON lines (by a scan worker thread, src/scan/workers.ts). */
  addEncoded(accountId: string, text: Uint8Array): Promise<void> {
    if (text.length === 0) return this.queue;
    this.queue = this.queue.then(async () => {
      this.handle ??= await open(this.file, "w+");
      await this.handle.write(text, 0, text.length, this.size);
      const list = this.blocks.get(accountId) ?? [];
      list.push({ offset: this.size, length: text.length });
      this.blocks.set(accountId, list);
      this.size += text.length;
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
   * Every account's documents, by account id, each sorted by bucket name; one account in memory at
   * a time. The accounts in `skip` are passed over without being read.
   */
  async *accounts(skip?: ReadonlySet<string>): AsyncGenerator<{ accountId: string; documents: BucketDocument[] }> {
    await this.queue;
    const accounts = [...this.blocks.keys()].filter((id) => skip?.has(id) !== true).sort();
    for (const accountId of accounts) {
      const docs: BucketDocument[] = [];
      for (const block of this.blocks.get(accountId)!) {
        const buffer = Buffer.alloc(block.length);
        await this.handle!.read(buffer, 0, block.length, block.offset);
        for (const line of buffer.toString("utf8").split("\n")) if (line !== "") docs.push(JSON.parse(line) as BucketDocument);
      }
      docs.sort(bucketOrder);
      yield { accountId, documents: docs };
    }
  }

  /** Every document, by account id then bucket name (but those of `skip`); one account's documents in memory at a time. */
  async *documents(skip?: ReadonlySet<string>): AsyncGenerator<BucketDocument> {
    for await (const { documents } of this.accounts(skip)) yield* documents;
  }

  /** Closes and removes the file. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.handle?.close();
    this.handle = null;
    process.off("exit", this.onExit);
    this.onExit();
  }
}
