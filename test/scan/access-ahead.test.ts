/**
 * The access pass begun during the accounts stage (scan/early-access.ts): an account whose
 * replicating buckets replicate only into buckets already read, with roles and keys in accounts
 * already read, is completed (destination-only reads, roles, bucket and key policies, the IAM
 * simulation) while the next accounts are still read. Told from the sandbox's call log (the order
 * answers were given), never the clock; and the documents are exactly those of the pass run after
 * every account, as before.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { BucketDocument, FactPlan } from "../../src/model/index.js";
import type { ScanOptions, ScanResult } from "../../src/scan/index.js";
import { AccessReads } from "../../src/scan/iam-facts.js";
import { ACCOUNTS } from "../support/accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../support/scenario.js";
import { scanSandbox } from "../support/scan.js";

const BUCKET_READS = new Set(["GetBucketVersioning", "GetBucketReplication"]);
const ACCESS_READS = new Set(["GetRole", "GetBucketPolicy", "GetBucketOwnershipControls", "GetKeyPolicy", "ListRolePolicies", "ListAttachedRolePolicies"]);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let sandbox: Sandbox;
let facts: FactPlan;
beforeAll(async () => {
  sandbox = await startSandbox({ generate: { accounts: 7, buckets: 12, seed: 7 } });
  facts = requiredFacts(await loadPolicies());
});
afterAll(async () => {
  await sandbox.close();
});

/** What the scan found, apart from its timestamps; and its calls in the order they were answered. */
async function scanLogged(options: ScanOptions): Promise<{ found: string; log: typeof sandbox.calls; stages: string[] }> {
  const from = sandbox.calls.length;
  const stages: string[] = [];
  const listener = (message: unknown): void => void stages.push((message as { stage: string }).stage);
  subscribe("replguard:scan-stage", listener);
  let result: ScanResult;
  try {
    result = await scanSandbox(sandbox, { facts, ...options });
  } finally {
    unsubscribe("replguard:scan-stage", listener);
  }
  const found = JSON.stringify({ accounts: result.accounts, buckets: result.buckets, coverage: result.coverage, calls: result.scan.retries?.calls });
  return { found, log: sandbox.calls.slice(from), stages };
}

describe("scan/access pass begun during the accounts stage", () => {
  it("reads roles and policies before the last account's buckets are read, and finds exactly what the pass after them finds", async () => {
    // One account reading at a time, few request slots: the calls are answered nearly in the order asked.
    const narrow = { concurrency: { accounts: 1, requests: 2 } };
    // The default: begun ahead; REPLGUARD_ACCESS_AHEAD=0 (or accessAhead: false) keeps the pass after every account.
    const ahead = await scanLogged(narrow);
    vi.stubEnv("REPLGUARD_ACCESS_AHEAD", "0");
    const after = await scanLogged(narrow).finally(() => vi.unstubAllEnvs());
    const lastBucketRead = (log: typeof sandbox.calls): number => log.findLastIndex((call) => BUCKET_READS.has(call.operation));
    const firstAccessRead = (log: typeof sandbox.calls): number => log.findIndex((call) => ACCESS_READS.has(call.operation));
    expect(firstAccessRead(after.log), "the organization has access reads").toBeGreaterThan(0);
    expect(firstAccessRead(after.log), "without: every access read after the last bucket read").toBeGreaterThan(lastBucketRead(after.log));
    expect(firstAccessRead(ahead.log), "an access read answered before the last bucket read").toBeLessThan(lastBucketRead(ahead.log));
    expect(ahead.stages).toEqual(["organization", "accounts", "access-ahead", "destinations", "access", "handover", "done"]);
    expect(after.stages).toEqual(["organization", "accounts", "destinations", "access", "handover", "done"]);
    expect(ahead.found).toBe(after.found);
    // The same reads, each once: beginning early repeats none.
    const count = (log: typeof sandbox.calls) => log.map((call) => call.operation).sort().join(",");
    expect(count(ahead.log)).toBe(count(after.log));
  });

  it("holds none of an early batch's documents nor its account's clients once they are written: none is reachable when the access pass begins", async () => {
    // Counted, not weighed: a weak reference to each document an early batch wrote, and how many a
    // full GC leaves once every account is read and the destinations resolved (the early reads are
    // all still kept then, for the pass). A role read kept for later batches used to keep, through
    // the role facts' memo, every document of its batch: ~3 KB a bucket at 100,000 buckets.
    const written: WeakRef<BucketDocument>[] = [];
    let reachable = -1;
    let clients: { iamClients: number; kmsClients: number; patches: { destinations: number; objects: number } } | undefined;
    const onWritten = (message: unknown): void => {
      const { documents, settled } = message as { documents?: BucketDocument[]; settled?: typeof clients };
      for (const doc of documents ?? []) written.push(new WeakRef(doc));
      clients ??= settled;
    };
    const onStage = (message: unknown): void => {
      if ((message as { stage: string }).stage !== "access") return;
      gc();
      reachable = written.filter((ref) => ref.deref() !== undefined).length;
    };
    subscribe("replguard:access-ahead", onWritten);
    subscribe("replguard:scan-stage", onStage);
    try {
      await scanSandbox(sandbox, { facts, accessAhead: true, concurrency: { accounts: 1, requests: 2 } });
    } finally {
      unsubscribe("replguard:access-ahead", onWritten);
      unsubscribe("replguard:scan-stage", onStage);
    }
    expect(written.length, "early batches wrote documents").toBeGreaterThan(10);
    expect(reachable, "documents of early batches still reachable when the pass begins").toBe(0);
    // Each batch's own account's clients are dropped with it: left are the KMS clients of keys in
    // another account (the log archive's replica keys, one per Region at most).
    expect(clients?.iamClients, "IAM clients held after settle").toBe(0);
    expect(clients?.kmsClients, "KMS clients held after settle").toBeLessThanOrEqual(5);
    // The destinations read early are many (19 here), their patches nearly all alike: one object for
    // each distinct one (3 here), not one per destination.
    expect(clients?.patches.destinations).toBeGreaterThan(10);
    expect(clients?.patches.objects, "distinct patch objects held").toBeLessThanOrEqual(3);
  });

  it("keeps, while later batches are unknown, the reads asked for last: a key every account names stays", async () => {
    const reads = new AccessReads();
    let calls = 0;
    const read = (): Promise<{ policy: { Version: string; Statement: [] } }> => {
      calls++;
      return Promise.resolve({ policy: { Version: "2012-10-17", Statement: [] } });
    };
    await reads.keys.get("shared", read);
    for (const name of ["a", "b", "c"]) {
      await reads.keys.get(name, read);
      await reads.keys.get("shared", read);
      reads.trim(2);
    }
    expect(calls).toBe(4);
    await reads.keys.get("shared", read);
    await reads.keys.get("c", read);
    expect(calls, "the last two asked for are still held").toBe(4);
    await reads.keys.get("a", read);
    expect(calls, "the one asked for longest ago was dropped").toBe(5);
  });

  it("puts a bucket's own destination errors before its access facts' errors, as the pass after every account does", async () => {
    // chain-a → chain-b → chain-c in one account: chain-b is final early, a destination whose Object Lock
    // read is denied (an error it gets as a destination) and names a key that does not exist (an access error).
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const missingKey = `arn:aws:kms:eu-west-1:${ACCOUNTS.prod}:key/missing`;
    const chain = scenario({
      organization: "o-ahead12345",
      accounts: [
        account(ACCOUNTS.management, "management"),
        account(ACCOUNTS.prod, "prod", {
          roles: [{ name: "repl", trustPolicy: trust, inlinePolicies: { all: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] } } }],
          buckets: [
            bucket("chain-a", "eu-west-1", { versioning: "Enabled", replication: replication(ACCOUNTS.prod, "repl", [v2Rule("next", 1, "chain-b")]) }),
            bucket("chain-b", "eu-west-1", {
              versioning: "Enabled",
              deny: ["GetObjectLockConfiguration"],
              replication: replication(ACCOUNTS.prod, "repl", [v2Rule("next", 1, "chain-c", { Destination: { Bucket: "arn:aws:s3:::chain-c", EncryptionConfiguration: { ReplicaKmsKeyID: missingKey } } })]),
            }),
            bucket("chain-c", "eu-west-1", { versioning: "Enabled" }),
          ],
        }),
        account(ACCOUNTS.backup, "backup", { buckets: ["b1", "b2", "b3", "b4", "b5", "b6"].map((name) => bucket(`later-${name}`, "eu-west-1", { versioning: "Enabled" })) }),
      ],
    });
    // Each answer a few milliseconds late, as AWS is: the later account's reads then span more than the early batch's own work, on a loaded runner too.
    const own = await startSandbox({ scenario: { ...chain, faults: { latencyMs: 5 } } });
    try {
      const run = async (options: ScanOptions) => {
        const from = own.calls.length;
        const result = await scanSandbox(own, { facts, concurrency: { accounts: 1, requests: 1 }, ...options });
        return { result, log: own.calls.slice(from) };
      };
      const ahead = await run({ accessAhead: true });
      const after = await run({ accessAhead: false });
      const b = ahead.result.buckets.find((doc) => doc.name === "chain-b")!;
      expect(b.errors.map((e) => e.operation)).toEqual(["GetObjectLockConfiguration", "GetKeyPolicy"]);
      expect(JSON.stringify(ahead.result.buckets)).toBe(JSON.stringify(after.result.buckets));
      const keyRead = ahead.log.findIndex((call) => call.operation === "GetKeyPolicy");
      const lastBucketRead = ahead.log.findLastIndex((call) => BUCKET_READS.has(call.operation));
      expect(keyRead, "chain-b completed while the next account was read").toBeLessThan(lastBucketRead);
    } finally {
      await own.close();
    }
  });

  it("completes again, with the later account's buckets, an account whose role a later account's bucket uses", async () => {
    // prod's role is used by a bucket of backup too (read after prod): prod's early output cannot stand.
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const shared = scenario({
      organization: "o-ahead67890",
      accounts: [
        account(ACCOUNTS.management, "management"),
        account(ACCOUNTS.prod, "prod", {
          roles: [{ name: "repl", trustPolicy: trust, inlinePolicies: { all: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:Replicate*", Resource: "arn:aws:s3:::*" }] } } }],
          buckets: [
            bucket("shared-a", "eu-west-1", { versioning: "Enabled", tags: { team: "a" }, replication: replication(ACCOUNTS.prod, "repl", [v2Rule("next", 1, "shared-b")]) }),
            bucket("shared-b", "eu-west-1", { versioning: "Enabled" }),
          ],
        }),
        account(ACCOUNTS.backup, "backup", {
          buckets: [
            bucket("shared-c", "eu-west-1", { versioning: "Enabled", tags: { team: "c" }, replication: replication(ACCOUNTS.prod, "repl", [v2Rule("next", 1, "shared-b")]) }),
            ...["b1", "b2", "b3"].map((name) => bucket(`later-${name}`, "eu-west-1", { versioning: "Enabled" })),
          ],
        }),
      ],
    });
    const own = await startSandbox({ scenario: { ...shared, faults: { latencyMs: 5 } } });
    try {
      const run = async (options: ScanOptions) => {
        const from = own.calls.length;
        const result = await scanSandbox(own, { facts, concurrency: { accounts: 1, requests: 1 }, ...options });
        return { result, log: own.calls.slice(from) };
      };
      const ahead = await run({ accessAhead: true });
      const after = await run({ accessAhead: false });
      const a = ahead.result.buckets.find((doc) => doc.name === "shared-a")!;
      // The role's facts count both accounts' buckets: prod's were completed again with backup's.
      expect(a.replication?.roleFacts?.usedByCount).toBe(2);
      expect(ahead.result.buckets.filter((doc) => doc.replication?.role === a.replication?.role).map((doc) => doc.name)).toEqual(["shared-a", "shared-c"]);
      expect(JSON.stringify(ahead.result.buckets)).toBe(JSON.stringify(after.result.buckets));
      const roleRead = ahead.log.findIndex((call) => call.operation === "GetRole");
      expect(roleRead, "prod was begun early").toBeLessThan(ahead.log.findLastIndex((call) => BUCKET_READS.has(call.operation)));
      expect(ahead.log.filter((call) => call.operation === "GetRole")).toHaveLength(1);
    } finally {
      await own.close();
    }
  });
});
