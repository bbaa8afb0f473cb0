/**
 * The accounts stage keeps each account's replicating documents for its early access batch until
 * the account ends (scan/account-sink.ts). Up to 40 accounts are read at once, so with 1,000-bucket
 * accounts that was ~22,000 documents in memory: the documents kept are bounded across the accounts
 * being read, not per account, and an account whose chunk does not fit is left to the pass (its
 * roles only), as an account too large for a batch is.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { AccountRecord, AccountRef, BucketDocument } from "../../src/model/index.js";
import { unreadBucketDocument } from "../../src/model/index.js";
import { accountSinks } from "../../src/scan/account-sink.js";
import type { AccountSession } from "../../src/scan/context.js";
import { Inventory } from "../../src/scan/inventory.js";
import { DocumentSpool } from "../../src/scan/spool.js";

const ref = (id: string): AccountRef => ({ id, name: id, ouPath: "", tags: {} });
const record = (id: string): AccountRecord => ({ id } as AccountRecord);

/** `count` replicating documents of account `id`, names from `from` on. */
function replicating(id: string, from: number, count: number): BucketDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const doc = unreadBucketDocument(`b-${id}-${String(from + i).padStart(4, "0")}`, "us-east-1", ref(id));
    doc.replication = { configured: true, role: `arn:aws:iam::${id}:role/r`, rules: [] };
    return doc;
  });
}

describe("documents kept for the early access batches", () => {
  const spool = new DocumentSpool();
  afterAll(() => spool.close());

  it("stay within the bound across the accounts being read; an account that does not fit is passed over", async () => {
    const offered: string[] = [];
    const passed: string[] = [];
    const early = { offer: (id: string) => void offered.push(id), passOver: (id: string) => void passed.push(id) };
    const sinks = accountSinks({ inventory: new Inventory(), spool, sessions: new Map(), early }, undefined, 10);
    const session = {} as AccountSession;
    const [a, b, c] = ["111111111111", "222222222222", "333333333333"].map((id) => ({ id, sink: sinks.sink(record(id)) }));
    let most = 0;
    const take = async (account: typeof a, from: number): Promise<void> => {
      await account!.sink.take(replicating(account!.id, from, 5), session);
      most = Math.max(most, sinks.held);
    };
    await take(a, 0);
    await take(b, 0);
    await take(c, 0); // 15 > 10: c is left to the pass
    await take(a, 5); // a's second chunk does not fit either
    for (const account of [a, b, c]) sinks.ended(record(account!.id));
    expect(most).toBeLessThanOrEqual(10);
    expect(offered).toEqual([b!.id]);
    expect(passed).toEqual([a!.id, c!.id]);
    expect(sinks.held).toBe(0);
  });
});
