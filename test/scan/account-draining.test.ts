/**
 * AccountLookahead (scan/account.ts): an account gives up its reading place once all its bucket
 * reads have begun, not once they end (its last reads may be waiting out retry backoffs), and then
 * holds one of a bounded number of draining places until they end. Told from the order in which the
 * scheduler starts the accounts' reads, with reads that end only when the test says so (no clock).
 * scan/lean-overlap.test.ts and the equivalence tests show the scan still finds the same.
 */
import { describe, expect, it } from "vitest";
import { AccountLookahead, DRAINING_PER_READING } from "../../src/scan/account.js";

/** A read the test controls: it reports that its reads began, and ends when `end` is called. */
interface Controlled {
  began: boolean;
  allStarted: () => void;
  end: () => void;
}

function scheduler(inFlight: number, accounts: number) {
  const lookahead = new AccountLookahead(inFlight);
  const reads: Controlled[] = [];
  const results = Array.from({ length: accounts }, (_, i) =>
    lookahead.schedule(
      () => Promise.resolve(i),
      (opened, allStarted) =>
        new Promise<number>((resolve) => {
          reads[opened] = { began: true, allStarted, end: () => resolve(opened) };
        }),
    ),
  );
  return { reads, results };
}

/** Lets the scheduler's promises settle. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
};

describe("AccountLookahead: draining accounts", () => {
  it("starts the next account's reads once every read of the current one has begun, not ended", async () => {
    const { reads, results } = scheduler(1, 3);
    await settle();
    expect(reads.map((r) => r?.began ?? false)).toEqual([true]);
    reads[0]!.allStarted();
    await settle();
    // Account 0 still has a read in flight (say, waiting out a backoff), and account 1 reads.
    expect(reads[1]?.began).toBe(true);
    expect(reads[2]).toBeUndefined();
    reads[1]!.end();
    await settle();
    expect(reads[2]?.began, "an account that ended frees its reading place").toBe(true);
    reads[0]!.end();
    reads[2]!.end();
    expect(await Promise.all(results)).toEqual([0, 1, 2]);
  });

  it("bounds the accounts waiting on their last reads", async () => {
    const bound = DRAINING_PER_READING;
    const { reads, results } = scheduler(1, bound + 2);
    for (let i = 0; i < bound; i++) {
      await settle();
      reads[i]!.allStarted();
    }
    await settle();
    // `bound` accounts drain; the next one reads, and when all its reads began it keeps its reading
    // place (no draining place is free), so the one after it does not start.
    expect(reads[bound]?.began).toBe(true);
    reads[bound]!.allStarted();
    await settle();
    expect(reads[bound + 1]).toBeUndefined();
    reads[0]!.end();
    await settle();
    expect(reads[bound + 1]?.began, "a draining place freed lets the reading account drain").toBe(true);
    for (const read of reads) read.end();
    expect(await Promise.all(results)).toEqual(Array.from({ length: bound + 2 }, (_, i) => i));
  });

  it("passes a failed read on to its caller and frees its places", async () => {
    const lookahead = new AccountLookahead(1);
    const failing = lookahead.schedule(
      () => Promise.resolve(0),
      () => Promise.reject(new Error("boom")),
    );
    await expect(failing).rejects.toThrow("boom");
    const next = lookahead.schedule(
      () => Promise.resolve(1),
      (opened) => Promise.resolve(opened),
    );
    expect(await next).toBe(1);
  });
});
