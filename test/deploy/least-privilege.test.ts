/**
 * Least privilege proven, not claimed: the shipped deploy/audit-role-policy.json is put on the demo
 * scenario's audit role (`auditRole.policy`, which the sandbox enforces: a call outside it answers
 * AccessDenied) and the full demo audit runs under it. It must be denied nothing the unrestricted
 * run was not denied (the demo has its own denials: a missing role, a bucket policy) and reach the
 * same verdicts. A companion run with one action removed proves the enforcement is live, so the
 * first assertion cannot pass because the policy was ignored.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { CallRecord, Sandbox, Scenario } from "../../src/sandbox/types.js";

const ROOT = join(import.meta.dirname, "../..");
const POLICY = JSON.parse(readFileSync(join(ROOT, "deploy/audit-role-policy.json"), "utf8")) as { Statement: { Action: string[] }[] };
const DEMO = JSON.parse(readFileSync(join(ROOT, "scenarios/demo.json"), "utf8")) as Scenario;

/** The demo with this policy on its audit role (the `auditRole.policy` contract: absent = allow all). */
function demoWithPolicy(policy: unknown): Scenario {
  return { ...DEMO, auditRole: { ...DEMO.auditRole, policy } } as Scenario;
}

const withoutAction = (action: string): unknown => ({
  ...POLICY,
  Statement: POLICY.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })),
});

interface Run {
  result: AuditResult;
  calls: CallRecord[];
}

const sandboxes: Sandbox[] = [];

async function run(scenario: Scenario): Promise<Run> {
  const sandbox = await startSandbox({ scenario });
  sandboxes.push(sandbox);
  const result = await audit({
    scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region },
    formats: [],
    now: new Date("2026-11-25T12:00:00Z"),
  });
  return { result, calls: [...sandbox.calls] };
}

const denied = (calls: CallRecord[]): string[] =>
  calls.filter((c) => c.status === 403).map((c) => `${c.operation} ${c.account ?? "-"} ${c.bucket ?? "-"}`).sort();
const verdicts = (r: AuditResult) => r.snapshot.results.map((x) => `${x.bucket} ${x.policyId} ${x.status} ${x.message}`).sort();

let open: Run;
let restricted: Run;
let missingOne: Run;

beforeAll(async () => {
  [open, restricted, missingOne] = await Promise.all([
    run(DEMO),
    run(demoWithPolicy(POLICY)),
    run(demoWithPolicy(withoutAction("s3:GetReplicationConfiguration"))),
  ]);
});

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe("deploy/least privilege", () => {
  it("runs the full demo audit under the shipped policy with no AccessDenied the unrestricted run did not have", () => {
    expect(restricted.calls.length).toBeGreaterThan(50);
    expect(denied(restricted.calls)).toEqual(denied(open.calls));
  });

  it("reaches the same verdicts, coverage and exit code as without the policy", () => {
    expect(verdicts(restricted.result)).toEqual(verdicts(open.result));
    expect(restricted.result.snapshot.coverage).toEqual(open.result.snapshot.coverage);
    expect(restricted.result.exitCode).toBe(open.result.exitCode);
  });

  it("is enforced: without s3:GetReplicationConfiguration every member bucket's GetBucketReplication is AccessDenied", () => {
    const replicationReads = missingOne.calls.filter((c) => c.operation === "GetBucketReplication" && c.account !== DEMO.organization?.managementAccountId);
    expect(replicationReads.length).toBeGreaterThan(5);
    expect(replicationReads.every((c) => c.status === 403)).toBe(true);
    expect(missingOne.result.snapshot.coverage.complete).toBe(false);
    expect(verdicts(missingOne.result)).not.toEqual(verdicts(open.result));
  });
});
