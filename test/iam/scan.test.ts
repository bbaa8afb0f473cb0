import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyResult } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies, requiredFacts } from "../../src/policy/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ScanResult } from "../../src/scan/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { bucket, callsOf, rule, scanSandbox } from "../support/scan.js";
import { accessScenario, BAD_ROLE, GOOD_ROLE } from "./scenario.js";

describe("scan/access facts", () => {
  let sandbox: Sandbox;
  let result: ScanResult;
  let results: PolicyResult[];
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: accessScenario() });
    const set = await loadPolicies();
    result = await scanSandbox(sandbox, { facts: requiredFacts(set) });
    results = result.buckets.flatMap((doc) => evaluateBucket(set, doc));
  });
  afterAll(() => sandbox.close());

  const status = (bucketName: string, policyId: string) => results.find((r) => r.bucket === bucketName && r.policyId === policyId);

  it("reads each replication role once, not once per bucket, in its own account", () => {
    expect(callsOf(sandbox, "GetRole").map((c) => c.account)).toEqual([ACCOUNTS.prod, ACCOUNTS.prod]);
    expect(callsOf(sandbox, "GetBucketPolicy").map((c) => `${c.account} ${c.bucket}`).sort()).toEqual([`${ACCOUNTS.backup} vault-bad`, `${ACCOUNTS.backup} vault-good`, `${ACCOUNTS.backup} vault-shared`]);
    expect(callsOf(sandbox, "GetKeyPolicy").map((c) => c.account).sort()).toEqual([ACCOUNTS.prod, ACCOUNTS.backup].sort());
    expect(sandbox.calls.filter((c) => c.mutating)).toEqual([]);
  });

  it("states the well-built pipeline's facts: nothing missing, the vault grants the role only", () => {
    const good = bucket(result, "src-good");
    expect(good.replication?.roleFacts).toMatchObject({ arn: GOOD_ROLE, trustedPrincipals: ["Service:s3.amazonaws.com"], untrustedPrincipals: [], excessiveGrants: [], usedByCount: 2 });
    // Which buckets use the role: the documents that name it.
    expect(result.buckets.filter((doc) => doc.replication?.role === GOOD_ROLE).map((doc) => doc.name).sort()).toEqual(["src-good", "src-shared"]);
    expect(rule(good, "vault").destination).toMatchObject({
      roleMissingActions: [],
      bucketPolicy: { present: true, grantsRole: true, otherReplicationGrantees: [], sourceAccountAccess: [] },
      objectOwnership: "BucketOwnerEnforced",
      keyPoliciesRead: true,
    });
    for (const policyId of ["replication-role-can-replicate", "replication-role-trusts-s3-only", "replication-role-least-privilege", "destination-policy-grants-role", "destination-denies-source-account"]) {
      expect(status("src-good", policyId)?.status, policyId).toBe("pass");
    }
  });

  it("names what the badly built pipeline lacks and allows too much", () => {
    const bad = bucket(result, "src-bad");
    expect(rule(bad, "vault").destination.roleMissingActions).toEqual(["s3:ReplicateDelete", "s3:ReplicateTags"]);
    expect(status("src-bad", "replication-role-can-replicate")?.message).toBe(
      `rule \`vault\`: replication role ${BAD_ROLE} is not allowed s3:ReplicateDelete, s3:ReplicateTags, so objects are not replicated to vault-bad`,
    );
    expect(status("src-bad", "replication-role-trusts-s3-only")?.message).toContain(`can also be assumed by AWS:arn:aws:iam::${ACCOUNTS.prod}:root`);
    expect(status("src-bad", "replication-role-least-privilege")?.message).toContain("attached policy AmazonS3ReadOnlyAccess (statement #0) grants s3:Get*, s3:List*");
    // The grant to the account root lets the role replicate, and every other principal of prod too.
    expect(status("src-bad", "destination-policy-grants-role")?.message).toBe(
      `the bucket policy of vault-bad lets AWS:arn:aws:iam::${ACCOUNTS.prod}:root replicate into it, not only replication role ${BAD_ROLE}`,
    );
    expect(status("src-bad", "destination-denies-source-account")?.message).toContain("call s3:DeleteObject, s3:DeleteObjectVersion, s3:PutObject");
  });

  it("finds the role shared across classifications", () => {
    expect(status("src-shared", "replication-role-dedicated")?.message).toBe(`replication role ${GOOD_ROLE} is shared by 2 buckets of different classification (pii, public)`);
    expect(status("src-bad", "replication-role-dedicated")?.status).toBe("pass");
  });
});

describe("scan/access facts, a read the audit role is denied", () => {
  it("records the denied GetBucketPolicy in errors[] and makes the policies that rest on it error", async () => {
    const scenario = accessScenario();
    scenario.accounts[2]!.auditRole = { policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "s3:GetBucketPolicy", Resource: "*" }] } };
    const sandbox = await startSandbox({ scenario });
    try {
      const set = await loadPolicies();
      const scanned = await scanSandbox(sandbox, { facts: requiredFacts(set) });
      const bad = bucket(scanned, "src-bad");
      expect(bad.errors).toContainEqual(expect.objectContaining({ operation: "GetBucketPolicy", code: "AccessDenied" }));
      expect(rule(bad, "vault").destination).toMatchObject({ bucketPolicy: null, roleMissingActions: null, unreadable: ["destinationPolicy"] });
      const evaluated = evaluateBucket(set, bad);
      for (const policyId of ["destination-denies-source-account", "destination-policy-grants-role", "replication-role-can-replicate"]) {
        expect(evaluated.find((r) => r.policyId === policyId)?.status, policyId).toBe("error");
      }
      expect(scanned.coverage).not.toMatchObject({ complete: true });
    } finally {
      await sandbox.close();
    }
  });
});
