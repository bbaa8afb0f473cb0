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
    expect(sha(kept)).toBe("7a6b89f7fee196b4665e4d17c5120ca3a93521e1b5c91292ebb31daaa404e4ee");
    expect(sha(await documents(demo, true))).toBe(sha(kept));
  });

  it("gives a generated organization's documents exactly as before", async () => {
    const kept = await documents(generated, false);
    expect(kept.length).toBe(60);
    expect(new Set(kept.map((doc) => doc.account.id)).size).toBe(6);
    expect(kept.some((doc) => doc.replication?.roleFacts !== undefined && doc.replication.roleFacts !== null)).toBe(true);
    expect(sha(kept)).toBe("a7bd4514af70a059cc2385cabb867fc27bf5fff72dc0641f69693106b34d07c0");
  });
});
