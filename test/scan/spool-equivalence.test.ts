/**
 * The compact inventory and the access pass in bounded batches give the very documents the scan
 * gave before them: the documents of the demo and of a generated organization, scanned with the
 * fact plan of every default policy (access facts included), hash to the figures the previous
 * code printed (fixed expectations, taken before the change). Handing them on one by one
 * (`onBucket`) gives the same documents as keeping them.
 *
 * The generated organization's hash was taken by the same hashing run at commit 3500497 (the code
 * before the memory change; it gives the 12 × 15 organization the hash this file held before, so
 * its generator and this one agree): 6 accounts × 10 buckets, a third of the scan of 12 × 15,
 * still several accounts, batches and cross-account roles.
 *
 * Bucket document 2.0.0 (roleFacts.usedBy replaced by usedByCount) changed both hashes: mapped back
 * (schemaVersion 1.2.0, usedByCount replaced by the sorted names of the documents naming the role),
 * the new documents hash to the previous figures, 7a6b89f7… and a7bd4514….
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BucketDocument } from "../../src/model/index.js";
import { loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { scan } from "../../src/scan/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";

const sha = (docs: readonly BucketDocument[]): string => createHash("sha256").update(JSON.stringify(docs)).digest("hex");

let demo: Sandbox;
let generated: Sandbox;
beforeAll(async () => {
  [demo, generated] = await Promise.all([startSandbox({ scenario: "demo" }), startSandbox({ generate: { accounts: 6, buckets: 10, seed: 7 } })]);
});
afterAll(async () => {
  await Promise.all([demo?.close(), generated?.close()]);
});

async function documents(sandbox: Sandbox, streamed: boolean): Promise<BucketDocument[]> {
  const facts = requiredFacts(await loadPolicies());
  const handed: BucketDocument[] = [];
  const result = await scan({
    endpoint: sandbox.endpoint,
    credentials: sandbox.credentials,
    region: sandbox.region,
    facts,
    concurrency: { accounts: 3, requests: 8 },
    ...(streamed ? { onBucket: (doc: BucketDocument) => void handed.push(doc) } : {}),
  });
  return streamed ? handed : result.buckets;
}

describe("scan/spool equivalence", () => {
  it("gives the demo's documents exactly as before, kept or handed on", async () => {
    const kept = await documents(demo, false);
    expect(kept.length).toBeGreaterThan(5);
    expect(sha(kept)).toBe("834579e2dfd65b9fb80b69fec21847f62af3a9c33b8a1797a63e07ae6d393f35");
    expect(sha(await documents(demo, true))).toBe(sha(kept));
  });

  it("gives a generated organization's documents exactly as before", async () => {
    const kept = await documents(generated, false);
    expect(kept.length).toBe(60);
    expect(new Set(kept.map((doc) => doc.account.id)).size).toBe(6);
    expect(kept.some((doc) => doc.replication?.roleFacts !== undefined && doc.replication.roleFacts !== null)).toBe(true);
    expect(sha(kept)).toBe("3ca8da79f5d0b603d7b3bae30794e37c40e1fe7e5978c77c2193045fb36e1bf9");
  });
});
