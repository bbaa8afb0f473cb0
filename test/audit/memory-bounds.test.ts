/**
 * What grows with the organization is not held at once: the access pass completes the replicating
 * documents in batches of accounts sharing a role (counted through the scan's `onAccessBatch` hook,
 * not through memory readings), the IAM decisions it remembered are forgotten once it is over (the
 * memo's entry count), and `retain: "summary"` keeps at most its limit of partly read buckets and
 * error results, counting the others.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamAudit } from "../../src/audit/stream.js";
import type { BucketDocument } from "../../src/model/index.js";
import { loadPolicies, requiredFacts, type PolicySet } from "../../src/policy/index.js";
import { decisionMemoStats } from "../../src/policy/iam/evaluate.js";
import { scan } from "../../src/scan/index.js";
import { BucketIds, NamedBy, ReferenceCollector } from "../../src/scan/access-references.js";
import { Inventory } from "../../src/scan/inventory.js";
import { inventoryEntry } from "../../src/scan/spool.js";
import { unreadBucketDocument } from "../../src/model/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";

let demo: Sandbox;
let generated: Sandbox;
let policySet: PolicySet;
let dir: string;
beforeAll(async () => {
  [demo, generated, policySet, dir] = await Promise.all([
    startSandbox({ scenario: "demo" }),
    // 5 ms a call: an account's IAM reads are a chain of dependent calls, so side-by-side batches
    // interleave in the call log whatever the machine's speed (without it, a fast first batch could
    // be answered whole before the second's first call arrives, and the order would prove nothing).
    startSandbox({ generate: { accounts: 6, buckets: 12, seed: 7 }, faults: { latencyMs: 5 } }),
    loadPolicies(),
    mkdtemp(join(tmpdir(), "replguard-memory-bounds-")),
  ]);
});
afterAll(async () => {
  await Promise.all([demo?.close(), generated?.close(), rm(dir, { recursive: true, force: true })]);
});

const access = (sandbox: Sandbox) => ({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region });

describe("audit/memory bounds", () => {
  it("completes the replicating documents account by account, never all at once", async () => {
    const batches: number[] = [];
    const docs: BucketDocument[] = [];
    // The pass after every account (an account begun during the accounts stage is held twice: test/scan/access-ahead.test.ts).
    const result = await scan({ ...access(generated), facts: requiredFacts(policySet), accessAhead: false, onAccessBatch: (n) => batches.push(n), onBucket: (doc) => void docs.push(doc) });
    const replicating = docs.filter((doc) => doc.replication?.configured === true && doc.replication.role !== null);
    const accounts = new Set(replicating.map((doc) => doc.account.id));
    expect(accounts.size).toBeGreaterThan(2);
    // Each generated account has its own replication role: one batch per account, together every replicating bucket.
    expect(batches).toHaveLength(accounts.size);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(replicating.length);
    expect(Math.max(...batches)).toBeLessThan(replicating.length);
    expect(result.buckets).toEqual([]);
  });

  it("reads the batches side by side: the next account's role is asked for before the first account's reads are done", async () => {
    const before = generated.calls.length;
    await scan({ ...access(generated), facts: requiredFacts(policySet), onBucket: () => undefined });
    const iam = generated.calls.slice(before).filter((call) => call.service === "iam");
    const accounts = [...new Set(iam.map((call) => call.account))];
    expect(accounts.length).toBeGreaterThan(2);
    // One batch at a time would log every IAM call of the first account before any of the second.
    const lastOfFirst = iam.map((call) => call.account).lastIndexOf(accounts[0]!);
    const firstOfSecond = iam.findIndex((call) => call.account === accounts[1]);
    expect(firstOfSecond).toBeLessThan(lastOfFirst);
  });

  it("forgets the IAM decisions it remembered once the access pass is over, before the handoff", async () => {
    const before = decisionMemoStats();
    let atHandoff: ReturnType<typeof decisionMemoStats> | undefined;
    let handedOn = 0;
    await scan({
      ...access(demo),
      facts: requiredFacts(policySet),
      onScanned: () => void (atHandoff = decisionMemoStats()),
      onBucket: () => void handedOn++,
    });
    expect(handedOn).toBeGreaterThan(0);
    // Questions were asked (and answered) during the pass; none of the answers is held after it.
    expect(atHandoff!.hits + atHandoff!.misses).toBeGreaterThan(before.hits + before.misses);
    expect(atHandoff!.size).toBe(0);
  });

  it("holds the access pass's bucket references as inventory ids, its roles' and keys' ARNs as they are", () => {
    const inventory = new Inventory();
    const account = { id: "111111111111", name: "a", ouPath: "/", tags: {} };
    inventory.set("source-bucket", inventoryEntry(unreadBucketDocument("source-bucket", "eu-west-1", account)));
    // A destination outside the organization has an id too: every name a rule names is met.
    inventory.set("with-rule", { ...inventoryEntry(unreadBucketDocument("with-rule", "eu-west-1", account)), destinations: ["elsewhere"] });
    const role = "arn:aws:iam::111111111111:role/replication";
    const key = "arn:aws:kms:eu-west-1:111111111111:key/1234";
    const collector = new ReferenceCollector(inventory);
    // Account A's references, then B's, then A's again (joined to its own), each named twice.
    collector.add("A", ["elsewhere", role, "source-bucket", "elsewhere", key]);
    collector.add("B", ["source-bucket", role]);
    collector.add("A", [role, "with-rule"]);
    const accounts = collector.take();
    expect([...accounts.keys()]).toEqual(["A", "B"]);
    const a = accounts.get("A")!;
    expect(a.ids).toBeInstanceOf(Int32Array);
    expect([...a.ids]).toEqual(["source-bucket", "with-rule", "elsewhere"].map((name) => inventory.idOf(name)).sort());
    expect(a.names).toEqual([role, key]);
    // Counted only where two groups name a read: the last group naming it gets its name back.
    const namedBy = new NamedBy(inventory, accounts.values());
    expect(["elsewhere", "source-bucket", role, key].map((name) => namedBy.has(name))).toEqual([true, true, true, true]);
    expect(namedBy.has("not-named")).toBe(false);
    // What only `has` needed goes before the batches run; the counts stay.
    namedBy.forgetNamed();
    expect(() => namedBy.has(role)).toThrow(/after forgetNamed/);
    expect(namedBy.release(accounts.get("B")).sort()).toEqual([]);
    expect(namedBy.release(a).sort()).toEqual(["elsewhere", "source-bucket", "with-rule", key, role].sort());
  });

  it("holds the buckets the early batches left to the access pass as inventory ids, answering for names", () => {
    const inventory = new Inventory();
    const account = { id: "111111111111", name: "a", ouPath: "/", tags: {} };
    const names = Array.from({ length: 40 }, (_, i) => `bucket-${String(i).padStart(2, "0")}`);
    for (const name of names) inventory.set(name, inventoryEntry(unreadBucketDocument(name, "eu-west-1", account)));
    // Every third bucket left open, given out of order.
    const open = names.filter((_, i) => i % 3 === 0).reverse();
    const left = BucketIds.of(inventory, open);
    expect(left.size).toBe(open.length);
    for (const name of names) expect(left.has(name)).toBe(open.includes(name));
    // A name never met (id -1) is not one of them, nor anything in an empty set.
    expect(left.has("not-in-the-inventory")).toBe(false);
    expect(BucketIds.of(inventory, []).has(names[0]!)).toBe(false);
    // A name the inventory does not hold is refused, never held as an id that would answer for another.
    expect(() => BucketIds.of(inventory, ["not-in-the-inventory"])).toThrow(/not-in-the-inventory is not in the scan's inventory/);
  });

  it("keeps at most the limit of partly read buckets and error results under retain: summary, counting the rest", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const common = { scan: access(demo), policySet, suppressions: [], now, failOn: "high" as const, configHash: "test" };
    const all = await streamAudit({ ...common, retain: "all", file: join(dir, "all.json") });
    const partial = all.snapshot.buckets.filter((doc) => doc.errors.length > 0).length;
    const errors = all.snapshot.results.filter((r) => r.status === "error").length;
    expect(partial).toBeGreaterThanOrEqual(1);
    expect(errors).toBeGreaterThan(1);
    expect(all.omitted).toEqual({ buckets: 0, results: 0 });

    const summary = await streamAudit({ ...common, retain: "summary", summaryLimit: 1, file: join(dir, "summary.json") });
    expect(summary.snapshot.buckets).toHaveLength(1);
    expect(summary.snapshot.results).toHaveLength(1);
    expect(summary.snapshot.results[0]!.status).toBe("error");
    expect(summary.omitted).toEqual({ buckets: partial - 1, results: errors - 1 });
    expect(summary.summary).toEqual(all.summary);
  });
});
