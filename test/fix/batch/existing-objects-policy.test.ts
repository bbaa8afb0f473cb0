/**
 * existing-objects-replicated end to end: the scanner reads S3 Control ListJobs/DescribeJob in each
 * account and Region with replicating buckets (only when the policy is loaded), and the policy
 * passes on a completed job without failures or on ExistingObjectReplication, fails otherwise, and
 * is `error` where ListJobs is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../../src/audit/index.js";
import { AwsClientFactory } from "../../../src/aws/clients.js";
import { replicateExisting } from "../../../src/fix/batch/index.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { account, bucket, replication, scenario, v2Rule } from "../../support/scenario.js";

const REGION = "eu-west-1";
const replicated = (name: string, region = REGION, existing = false) =>
  bucket(name, region, {
    versioning: "Enabled",
    objects: 5,
    replication: replication(ACCOUNTS.prod, "s3-replication", [
      v2Rule("all", 1, "backup-data", existing ? { ExistingObjectReplication: { Status: "Enabled" } } : {}),
    ]),
  });

const world = () =>
  scenario({
    organization: "o-eorpolicy1",
    accounts: [
      account(ACCOUNTS.management, "management"),
      account(ACCOUNTS.prod, "prod", {
        buckets: [
          replicated("prod-covered"), replicated("prod-leaky"), replicated("prod-new"), replicated("prod-eor", REGION, true), replicated("prod-east", "us-east-1"),
          bucket("prod-reports", REGION),
        ],
        batchOperations: {
          jobs: [
            { region: REGION, sourceBucket: "prod-covered", status: "Complete", createdAt: "2026-01-02T00:00:00.000Z" },
            { region: REGION, sourceBucket: "prod-leaky", status: "Complete", failed: 2, createdAt: "2026-01-03T00:00:00.000Z" },
            { region: REGION, sourceBucket: "prod-new", status: "Failed", failed: 5 },
            { region: "us-east-1", sourceBucket: "prod-east", status: "Complete" },
          ],
        },
      }),
      account(ACCOUNTS.backup, "backup", { buckets: [bucket("backup-data", REGION, { versioning: "Enabled" })] }),
      account(ACCOUNTS.dev, "dev", {
        buckets: [bucket("dev-data", REGION, { versioning: "Enabled", replication: replication(ACCOUNTS.dev, "s3-replication", [v2Rule("all", 1, "backup-data")]) })],
        batchOperations: { deny: ["ListJobs"] },
      }),
    ],
  });

let sandbox: Sandbox;
let result: AuditResult;
let baselineCalls: string[];
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: world() });
  const scan = { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region };
  await audit({ scan, formats: [], policies: { packs: ["baseline"] } });
  baselineCalls = sandbox.calls.map((call) => call.operation);
  result = await audit({ scan, formats: [], policies: { packs: ["resilience"] } });
});
afterAll(async () => sandbox.close());

const verdict = (name: string) => result.snapshot.results.find((r) => r.bucket === name && r.policyId === "existing-objects-replicated");

describe("policy existing-objects-replicated, scanned from the sandbox", () => {
  it("passes on a completed job without failed tasks or on ExistingObjectReplication, fails otherwise, errors where ListJobs is refused", () => {
    expect(Object.fromEntries(["prod-covered", "prod-east", "prod-eor", "prod-leaky", "prod-new", "dev-data", "backup-data"].map((n) => [n, verdict(n)?.status]))).toEqual({
      "prod-covered": "pass",
      "prod-east": "pass",
      "prod-eor": "pass",
      "prod-leaky": "fail",
      "prod-new": "fail",
      "dev-data": "error",
      "backup-data": "not_applicable",
    });
    expect(verdict("prod-leaky")?.message).toBe("prod-leaky has no rule that replicates existing objects, and each of its 1 completed batch replication job left objects unreplicated");
    expect(verdict("dev-data")?.message).toBe("ListJobs failed with AccessDenied (Access Denied); batchReplication of dev-data is unknown, so this policy cannot be evaluated");
  });

  it("records the completed jobs in the bucket document", () => {
    const doc = result.snapshot.buckets.find((b) => b.name === "prod-leaky");
    expect(doc?.collected).toContain("batchReplication");
    expect(doc?.batchReplication?.jobs).toEqual([
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: "Complete", createdAt: "2026-01-03T00:00:00.000Z", finishedAt: "2026-01-03T00:01:00.000Z", tasks: 5, succeeded: 3, failed: 2 },
    ]);
  });

  it("lists jobs once per account and Region, describes only completed replication jobs, and calls S3 Control only when the policy is loaded", () => {
    const calls = sandbox.calls.slice(baselineCalls.length);
    const listJobs = calls.filter((c) => c.operation === "ListJobs").map((c) => `${c.account} ${c.region} ${c.status}`).sort();
    expect(listJobs).toEqual([`${ACCOUNTS.prod} ${REGION} 200`, `${ACCOUNTS.prod} us-east-1 200`, `${ACCOUNTS.dev} ${REGION} 403`]);
    expect(calls.filter((c) => c.operation === "DescribeJob")).toHaveLength(3);
    expect(calls.some((c) => c.mutating)).toBe(false);
    expect(baselineCalls.filter((op) => op === "ListJobs" || op === "DescribeJob")).toEqual([]);
  });

  it("passes on the next audit once replicateExisting has run a job for the bucket", async () => {
    const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: REGION, maxAttempts: 1, maxSockets: 4 });
    try {
      const [run] = await replicateExisting([{ accountId: ACCOUNTS.prod, bucket: "prod-new", region: REGION }], {
        s3control: (accountId, region) => factory.s3control(async () => derivedCredentials(accountId), region),
        s3: (accountId, region) => factory.s3(async () => derivedCredentials(accountId), region),
        batchRoleArn: (t) => `arn:aws:iam::${t.accountId}:role/batch-replication`,
        reportLocation: () => ({ bucket: "prod-reports" }),
        confirm: async () => true,
        pollIntervalMs: 0,
      });
      expect(run?.outcome === "completed" && [run.succeeded, run.failed]).toEqual([5, 0]);
    } finally {
      factory.close();
    }
    const after = await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, formats: [], policies: { packs: ["resilience"] } });
    const verdict = after.snapshot.results.find((r) => r.bucket === "prod-new" && r.policyId === "existing-objects-replicated");
    expect([verdict?.status, verdict?.message]).toEqual(["pass", "prod-new's existing objects are replicated (1 completed batch replication job)"]);
  });
});
