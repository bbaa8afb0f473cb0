/**
 * The compact inventory and the access pass in bounded batches give the very documents the scan
 * gave before them: the documents of the demo and of a generated organization, scanned with the
 * fact plan of every default policy (access facts included), hash to the figures the previous
 * code printed (fixed expectations, taken before the change). Handing them on one by one
 * (`onBucket`) gives the same documents as keeping them.
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
  [demo, generated] = await Promise.all([startSandbox({ scenario: "demo" }), startSandbox({ generate: { accounts: 12, buckets: 15, seed: 7 } })]);
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
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.some((doc) => doc.replication?.roleFacts !== undefined && doc.replication.roleFacts !== null)).toBe(true);
    expect(sha(kept)).toBe("5a701bdb598432de161781bce513416e3efb0178f9f6406d47c5a1dcf6b4f9ad");
  });
});
