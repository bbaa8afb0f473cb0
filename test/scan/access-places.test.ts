/**
 * BatchPlaces (scan/access-places.ts), the access pass's batches at once: a batch gives up its place
 * when its own reads end, not when every older batch's have (one batch waiting out several backoffs
 * held every later batch's place, so the request slots idled); what is held stays bounded; a failed
 * read still reaches the caller. Told from which batches the scheduler begins, with reads that end
 * only when the test says so (no clock). The pass's output is the spool's order whatever order the
 * batches end in; test/scan/access-ahead.test.ts and test/iam/access-identical.test.ts show the scan
 * finds the same.
 */
import { afterAll, describe, expect, it } from "vitest";
import { BatchPlaces } from "../../src/scan/access-places.js";
import { DocumentSpool } from "../../src/scan/spool.js";
import type { BucketDocument } from "../../src/model/index.js";

/** A batch the test controls: `began` once its read starts; its read ends (or fails) when told. */
interface Controlled {
  began: boolean;
  finished: boolean;
  end: () => void;
  fail: (error: Error) => void;
}

function batch(): { entry: Controlled; read: () => Promise<void>; finish: () => Promise<void> } {
  const entry: Controlled = { began: false, finished: false, end: () => undefined, fail: () => undefined };
  const read = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      entry.began = true;
      entry.end = resolve;
      entry.fail = reject;
    });
  const finish = async (): Promise<void> => {
    entry.finished = true;
  };
  return { entry, read, finish };
}

/** Lets the scheduler's promises settle. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
};

const spools: DocumentSpool[] = [];
afterAll(async () => {
  await Promise.all(spools.map((spool) => spool.close()));
});

describe("BatchPlaces: the access pass's batches", () => {
  it("begins a later batch once any batch's reads end, while an older one still reads", async () => {
    const places = new BatchPlaces(2, 4096);
    const [a, b, c, d] = [batch(), batch(), batch(), batch()];
    await places.add(1, a.read, a.finish);
    await places.add(1, b.read, b.finish);
    const third = places.add(1, c.read, c.finish);
    await settle();
    expect(c.entry.began, "both places are taken").toBe(false);
    b.entry.end();
    await settle();
    // Batch a is still reading (say, its role read waits out a third backoff): c has b's place.
    expect(a.entry.began && !a.entry.finished).toBe(true);
    expect(b.entry.finished, "b is finished (written) as soon as its reads end").toBe(true);
    expect(c.entry.began, "c has the place b gave up").toBe(true);
    await third;
    const fourth = places.add(1, d.read, d.finish);
    await settle();
    expect(d.entry.began, "a and c hold the two places").toBe(false);
    a.entry.end();
    await fourth;
    expect(d.entry.began).toBe(true);
    c.entry.end();
    d.entry.end();
    await places.drain();
    expect([a, b, c, d].every((x) => x.entry.finished)).toBe(true);
  });

  it("holds at most the documents bound (one batch larger than it runs alone)", async () => {
    const places = new BatchPlaces(16, 10);
    const [a, b, big] = [batch(), batch(), batch()];
    await places.add(6, a.read, a.finish);
    const second = places.add(6, b.read, b.finish);
    await settle();
    expect(b.entry.began, "6 + 6 documents exceed 10").toBe(false);
    a.entry.end();
    await second;
    const third = places.add(50, big.read, big.finish);
    await settle();
    expect(big.entry.began, "a batch over the bound waits for the place to empty").toBe(false);
    b.entry.end();
    await third;
    expect(big.entry.began).toBe(true);
    big.entry.end();
    await places.drain();
  });

  it("passes a failed read on to the caller without waiting for older batches, and frees its place", async () => {
    const places = new BatchPlaces(2, 4096);
    const [slow, failing, next] = [batch(), batch(), batch()];
    await places.add(1, slow.read, slow.finish);
    await places.add(1, failing.read, failing.finish);
    failing.entry.fail(new Error("boom"));
    // The slow batch still reads: the failure reaches the caller all the same (before, it waited behind it).
    let outcome = "waiting";
    const adding = places.add(1, next.read, next.finish).then(
      () => (outcome = "added"),
      (error: Error) => (outcome = error.message),
    );
    await settle();
    expect(outcome).toBe("boom");
    await adding;
    expect(next.entry.began).toBe(false);
    expect(failing.entry.finished).toBe(false);
    await expect(places.drain()).rejects.toThrow("boom");
    let abandoned = false;
    const abandoning = places.abandon().then(() => (abandoned = true));
    await settle();
    expect(abandoned, "abandon waits for the batches still reading").toBe(false);
    slow.entry.end();
    await abandoning;
    expect(abandoned).toBe(true);
  });

  it("a failed read alone: the next batch's caller sees it", async () => {
    const places = new BatchPlaces(1, 4096);
    const failing = batch();
    await places.add(1, failing.read, failing.finish);
    failing.entry.fail(new Error("denied"));
    const next = batch();
    await expect(places.add(1, next.read, next.finish)).rejects.toThrow("denied");
    expect(next.entry.began).toBe(false);
  });

  it("writes batches ended in any order to a spool that gives them back in (account id, name) order", async () => {
    const places = new BatchPlaces(4, 4096);
    const out = new DocumentSpool();
    spools.push(out);
    const accounts = ["111111111111", "222222222222", "333333333333", "444444444444"];
    const doc = (account: string, name: string) => ({ name, account: { id: account } }) as unknown as BucketDocument;
    const controlled = accounts.map((account) => {
      const docs = [doc(account, `${account}-b`), doc(account, `${account}-a`)];
      const { entry, read } = batch();
      const finish = async (): Promise<void> => {
        entry.finished = true;
        await out.add(account, docs);
      };
      return { entry, read, finish };
    });
    for (const { read, finish } of controlled) await places.add(2, read, finish);
    // Ended last to first: written to the spool in that order.
    for (const { entry } of [...controlled].reverse()) {
      entry.end();
      await settle();
    }
    await places.drain();
    const names: string[] = [];
    for await (const d of out.documents()) names.push(d.name);
    expect(names).toEqual(accounts.flatMap((account) => [`${account}-a`, `${account}-b`]));
  });
});
