/**
 * The IAM policies replguard needs, derived from the tables the scanner itself reads: the fact plan
 * of the loaded policy set (FACTS[fact].actions for each fact the scan will read), the probe and
 * organization facts every scan makes, and SCAN_CALLS. A fact added to the table with its action
 * changes `replguard permissions` and, through test/deploy, the shipped deploy/audit-role-policy.json.
 */
import {
  FACTS,
  BATCH_REPORT_OBJECTS,
  REMEDIATION_CALLS,
  REPLICATION_ROLE_PATTERN,
  SCAN_CALLS,
  type AnyFact,
  type IamPolicyDocument,
  type IamStatement,
} from "../model/index.js";
import { requiredFacts } from "./facts.js";
import type { PolicySet } from "./types.js";

/** Facts every scan reads whatever the policies: the destination probe and the organization's membership list. */
const ALWAYS_READ: readonly AnyFact[] = (Object.keys(FACTS) as AnyFact[]).filter((fact) => FACTS[fact].kind === "probe" || FACTS[fact].kind === "organization");

const sorted = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/** Every IAM action a scan with this policy set makes, sorted, without duplicates. */
export function auditActions(set: PolicySet): string[] {
  // Every tier of the plan (every bucket, replicating buckets, destinations, and any tier a later
  // fact kind adds): a fact in any of them may be read, so its actions are needed.
  const planned = Object.values(requiredFacts(set)).flatMap((tier: unknown) => (Array.isArray(tier) ? (tier as AnyFact[]) : []));
  const facts: AnyFact[] = [...planned, ...ALWAYS_READ];
  return sorted([...facts.flatMap((fact) => FACTS[fact].actions), ...SCAN_CALLS.map((c) => c.action)]);
}

/** Statements by service, so a reader sees the S3 reads apart from the Organizations reads. */
function byService(sid: string, actions: string[]): IamStatement[] {
  const services = sorted(actions.map((a) => a.split(":")[0] ?? ""));
  return services.map((service) => ({
    Sid: `${sid}${service === "s3" ? "S3" : service[0]?.toUpperCase() + service.slice(1)}Read`,
    Effect: "Allow",
    Action: actions.filter((a) => a.startsWith(`${service}:`)),
    Resource: "*",
  }));
}

/**
 * The audit role's policy: read-only, exactly the actions the scan calls (`Resource: *`: buckets
 * are discovered, not known in advance). Never `s3:GetObject`: replguard reads configuration only.
 */
export function auditRolePolicy(set: PolicySet): IamPolicyDocument {
  return { Version: "2012-10-17", Statement: byService("Replguard", auditActions(set)) };
}

/** The remediation role's policy (`--fix-role-name`): the fixes' writes and read-backs, and PassRole on replication roles only. */
export function remediationRolePolicy(): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReplguardFixS3", Effect: "Allow", Action: sorted(REMEDIATION_CALLS.map((c) => c.action)), Resource: "*" },
      { Sid: "ReplguardReadBatchReports", Effect: "Allow", Action: ["s3:GetObject"], Resource: BATCH_REPORT_OBJECTS },
      {
        Sid: "ReplguardPassReplicationRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: REPLICATION_ROLE_PATTERN,
        // S3 assumes it for replication; S3 Batch Operations for the job that replicates existing objects.
        Condition: { StringEquals: { "iam:PassedToService": ["s3.amazonaws.com", "batchoperations.s3.amazonaws.com"] } },
      },
    ],
  };
}
