/**
 * The spool reads its file back a slice of 1 MiB at a time into buffers it keeps for the next
 * reading (src/scan/spool.ts `lines`): a slice may end inside a line or inside a UTF-8 character,
 * a line may be longer than a slice, and two readings may go in step (the handoff reads the first
 * spool and the access pass's together). Every document must come back as it was written.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AccountRef, BucketDocument } from "../../src/model/index.js";
import { unreadBucketDocument } from "../../src/model/index.js";
import { mappedBytesOf } from "../../src/scan/page-memory.js";
import { DocumentSpool } from "../../src/scan/spool.js";

const account = (id: string): AccountRef => ({ id, name: `account ${id}`, ouPath: "Root", tags: {} });

/** A document whose error message is `size` characters of `unit` (multi-byte characters cut slices inside them). */
function documentOf(name: string, owner: AccountRef, unit: string, size: number): BucketDocument {
  const doc = unreadBucketDocument(name, "eu-west-1", owner);
  doc.errors = [{ operation: "GetBucketReplication", code: "AccessDenied", message: unit.repeat(Math.ceil(size / unit.length)).slice(0, size) }];
  return doc;
}

/** Documents of one account in name order, sized so that the 1 MiB slices end anywhere: inside lines, inside characters. */
function accountDocuments(owner: AccountRef, count: number): BucketDocument[] {
  const units = ["é", "€", "𝄞", "a", "日本"];
  return Array.from({ length: count }, (_, i) => documentOf(`bucket-${String(i).padStart(4, "0")}-${owner.id}`, owner, units[i % units.length]!, 20_000 + ((i * 7919) % 90_000)));
}

const spools: DocumentSpool[] = [];
afterEach(async () => {
  for (const spool of spools.splice(0)) await spool.close();
});

/** A spool holding one account's `count` documents, written in one block. */
async function spoolOfOneBlock(accountId: string, count: number): Promise<{ spool: DocumentSpool; written: BucketDocument[] }> {
  const spool = new DocumentSpool();
  spools.push(spool);
  const written = accountDocuments(account(accountId), count);
  await spool.add(accountId, written);
  return { spool, written };
}

describe("scan/spool reading", () => {
  it("gives back every document as written, across slices cut inside lines and characters, and a line longer than a slice", async () => {
    const spool = new DocumentSpool();
    spools.push(spool);
    const first = account("111111111111");
    const second = account("222222222222");
    const written = [...accountDocuments(first, 60), documentOf("zz-longer-than-a-slice", first, "€", 1_500_000)];
    await spool.add(first.id, written.slice(0, 30));
    await spool.add(first.id, written.slice(30));
    const others = accountDocuments(second, 40);
    await spool.add(second.id, others);
    const read: BucketDocument[] = [];
    for await (const doc of spool.documents()) read.push(doc);
    expect(read.map((doc) => doc.name)).toEqual([...written, ...others].map((doc) => doc.name));
    expect(read).toEqual([...written, ...others]);
    // And again, with the buffers the first reading left (the long line's grown one is not kept).
    const again: BucketDocument[] = [];
    for await (const doc of spool.documents()) again.push(doc);
    expect(again).toEqual(read);
  });

  it("reads a block of many MiB through one buffer of 1 MiB, kept for the next reading", async () => {
    // ~5.5 MB in one block of lines far shorter than a slice: each read leaves part of a line to carry.
    const { spool, written } = await spoolOfOneBlock("444444444444", 100);
    const kept = (spool as unknown as { readBuffers: Buffer[] }).readBuffers;
    const read: BucketDocument[] = [];
    for await (const doc of spool.documents()) read.push(doc);
    expect(read).toEqual(written);
    expect(kept.map((buffer) => buffer.length)).toEqual([1 << 20]);
    // Outside malloc's arena (scan/page-memory.ts): freeing it at the scan's end leaves glibc's threshold as it was.
    expect(kept.map((buffer) => mappedBytesOf(buffer))).toEqual([1 << 20]);
  });

  it("reads twice in step, each reading with a buffer of its own", async () => {
    const { spool, written } = await spoolOfOneBlock("333333333333", 120);
    const one = spool.documents()[Symbol.asyncIterator]();
    const two = spool.documents()[Symbol.asyncIterator]();
    for (const expected of written) {
      const [a, b] = [await one.next(), await two.next()];
      expect(a.value).toEqual(expected);
      expect(b.value).toEqual(expected);
    }
    expect((await one.next()).done).toBe(true);
    expect((await two.next()).done).toBe(true);
  });
});
