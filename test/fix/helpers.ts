/** What the fix tests share: audit a sandbox, plan from it, and read the sandbox's state. */
import { GetBucketReplicationCommand, type ReplicationRule } from "@aws-sdk/client-s3";
import { audit, type AuditResult } from "../../src/audit/index.js";
import { buildPlan, refreshFromLive, type FixPlan } from "../../src/fix/index.js";
import { loadPolicies, type PolicySet } from "../../src/policy/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { s3As } from "../support/sandbox.js";
import { REMEDIATION } from "./world.js";

export const scanOf = (sandbox: Sandbox) => ({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region });

export async function auditAndPlan(sandbox: Sandbox, policies?: PolicySet): Promise<{ result: AuditResult; plan: FixPlan; policies: PolicySet }> {
  const set = policies ?? (await loadPolicies());
  const result = await audit({ scan: scanOf(sandbox), formats: [] });
  const fixes = new Map(set.policies.map((p) => [p.id, p.remediation.fix]));
  const plan = await refreshFromLive(buildPlan({ snapshot: result.snapshot, fixes, remediation: { ...REMEDIATION, destination: { ...REMEDIATION.destination } } }), scanOf(sandbox));
  return { result, plan, policies: set };
}

/** Every bucket's writable state, as the sandbox holds it (a deep copy). */
export function worldState(sandbox: Sandbox): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const [name, b] of [...sandbox.world.buckets.entries()].sort(([a], [c]) => a.localeCompare(c))) {
    state[name] = JSON.parse(JSON.stringify({ account: b.accountId, region: b.region, versioning: b.versioning ?? null, objectLock: b.objectLockEnabled, replication: b.replication ?? null }));
  }
  return state;
}

/** A bucket's rules as the SDK reads them, through the owner's own keys. */
export async function rulesOf(sandbox: Sandbox, owner: string, bucket: string, region = "us-east-1"): Promise<ReplicationRule[]> {
  const out = await s3As(sandbox.endpoint, owner, region).send(new GetBucketReplicationCommand({ Bucket: bucket }));
  return out.ReplicationConfiguration?.Rules ?? [];
}

export const mutatingCalls = (sandbox: Sandbox) => sandbox.calls.filter((c) => c.mutating);
