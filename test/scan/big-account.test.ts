/**
 * One account of many buckets is not held whole (docs/memory.md "One account of many buckets"):
 * the accounts stage hands its documents to the spool a chunk at a time as they are read, the spool
 * gives them back a chunk at a time, and the access pass fills a large account's replicating
 * documents a part at a time, each judged against every user of its roles. Counted through the
 * spool's diagnostics channel and the scan's `onAccessBatch` hook, not through memory readings; and
 * the documents are the very ones the scan gave before (the fixed hash of spool-equivalence.test.ts).
 */
import { createHash } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { loadPolicies, requiredFacts, type PolicySet } from "../../src/policy/index.js";
import { scan, type ScanOptions } from "../../src/scan/index.js";
import { Listing } from "../../src/scan/buckets.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";

const sha = (docs: readonly BucketDocument[]): string => createHash("sha256").update(JSON.stringify(docs)).digest("hex");

let small: Sandbox;
let big: Sandbox;
let policySet: PolicySet;
beforeAll(async () => {
  // 3 accounts: the management account (not entered), the log archive and one workload account.
  [small, big, policySet] = await Promise.all([startSandbox({ generate: { accounts: 6, buckets: 10, seed: 7 } }), startSandbox({ generate: { accounts: 3, buckets: 60, seed: 7 } }), loadPolicies()]);
});
afterAll(async () => {
  await Promise.all([small?.close(), big?.close()]);
});

async function documents(sandbox: Sandbox, options: ScanOptions): Promise<BucketDocument[]> {
  const handed: BucketDocument[] = [];
  await scan({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region, facts: requiredFacts(policySet), onBucket: (doc) => void handed.push(doc), ...options });
  return handed;
}

describe("scan/one account of many buckets", () => {
  it("gives the same documents read, spooled and filled a few at a time", async () => {
    // 10 buckets an account, 3 at a time: every account in several chunks, every access batch in parts
    // (every bucket of an account in flight at once, so chunks end out of order too).
    for (const accessAhead of [true, false]) {
      const docs = await documents(small, { accountChunk: 3, accessAhead, concurrency: { accounts: 3, requests: 64 } });
      expect(docs).toHaveLength(60);
      expect(sha(docs)).toBe("3ca8da79f5d0b603d7b3bae30794e37c40e1fe7e5978c77c2193045fb36e1bf9");
    }
  });

  it("keeps an account's listing packed, every name, Region and location error as listed", () => {
    const listing = new Listing();
    const names = Array.from({ length: 5000 }, (_, i) => `bucket-${i}-${"x".repeat(i % 50)}`);
    names.push("é-not-a-valid-bucket-name-but-kept-as-listed");
    names.forEach((name, i) => listing.push(name, i % 7 === 0 ? null : `region-${i % 3}`));
    const error = { operation: "GetBucketLocation", code: "AccessDenied", message: "denied" };
    listing.setRegion(7, null, error);
    listing.setRegion(14, "eu-west-1", null);
    expect(listing.length).toBe(names.length);
    names.forEach((name, i) => {
      const expected = i === 14 ? "eu-west-1" : i % 7 === 0 ? null : `region-${i % 3}`;
      expect(listing.at(i)).toEqual({ name, region: expected, error: i === 7 ? error : null });
    });
  });

  it("holds at most a chunk of one large account's documents at once, from its reading to the handoff", async () => {
    const written: number[] = [];
    const read: number[] = [];
    const batches: number[] = [];
    const listener = (message: unknown): void => {
      const { write, read: chunk } = message as { write?: number; read?: number };
      if (write !== undefined) written.push(write);
      if (chunk !== undefined) read.push(chunk);
    };
    subscribe("replguard:spool", listener);
    let docs: BucketDocument[];
    try {
      docs = await documents(big, { accountChunk: 10, onAccessBatch: (n) => void batches.push(n) });
    } finally {
      unsubscribe("replguard:spool", listener);
    }
    const replicating = docs.filter((doc) => doc.replication?.configured === true && doc.replication.role !== null);
    // The management account (entered as the caller) and a workload account replicate, each with its role.
    const roles = new Set(replicating.map((doc) => doc.replication!.role!));
    expect(docs.filter((doc) => doc.account.name === "account-2")).toHaveLength(60);
    expect(roles.size).toBe(2);
    expect(replicating.length).toBeGreaterThan(50);
    // Before: each account written and read back whole (60), a role's documents filled in one batch.
    expect(written.length).toBeGreaterThan(12);
    expect(read.length).toBeGreaterThan(12);
    expect(Math.max(...written)).toBeLessThanOrEqual(10);
    expect(Math.max(...read)).toBeLessThanOrEqual(10);
    expect(Math.max(...batches)).toBeLessThanOrEqual(10);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(replicating.length);
    // Each part judged against all of its role's users: every bucket of the role counted in each.
    for (const role of roles) {
      const users = replicating.filter((doc) => doc.replication!.role === role);
      expect(users.length).toBeGreaterThan(20);
      for (const doc of users) expect(doc.replication!.roleFacts?.usedByCount).toBe(users.length);
    }
  });
});
