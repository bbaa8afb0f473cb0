/**
 * The plan as a person reviews it: per bucket, each step's before → after. A replication put
 * lists every rule: unchanged ones by ID (they are carried through as they are), changed and new
 * ones field by field.
 */
import type { ReplicationRule } from "@aws-sdk/client-s3";
import type { FixPlan, FixStep } from "./types.js";

/** `{a:{b:1}}` → `a.b = 1`, one line per leaf. */
function flatten(value: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === "object" && !(Array.isArray(value) && value.length === 0)) {
    for (const [key, child] of Object.entries(value)) flatten(child, path === "" ? key : `${path}.${key}`, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

function fieldDiff(before: unknown, after: unknown, indent: string): string[] {
  const a = flatten(before);
  const b = flatten(after);
  const lines: string[] = [];
  for (const [key, value] of a) if (b.get(key) !== value) lines.push(`${indent}- ${key}: ${value}`);
  for (const [key, value] of b) if (a.get(key) !== value) lines.push(`${indent}+ ${key}: ${value}`);
  return lines;
}

function replicationLines(step: Extract<FixStep, { operation: "PutBucketReplication" }>): string[] {
  const lines: string[] = [];
  if (step.before === null) lines.push(`      (no replication configuration before)`);
  else if (step.beforeSource === "snapshot") lines.push(`      (rules as the snapshot shows them: fix apply re-reads them and changes only what is listed)`);
  if ((step.before?.Role ?? null) !== step.after.Role) lines.push(`      role: ${step.before?.Role ?? "(none)"} → ${step.after.Role}`);
  const beforeRules = new Map((step.before?.Rules ?? []).map((r) => [r.ID, r]));
  for (const rule of step.after.Rules ?? []) {
    const old: ReplicationRule | undefined = beforeRules.get(rule.ID);
    if (old === undefined) {
      lines.push(`      rule ${rule.ID}: new`, ...fieldDiff({}, rule, "        "));
    } else if (JSON.stringify(old) === JSON.stringify(rule)) {
      lines.push(`      rule ${rule.ID}: unchanged`);
    } else {
      lines.push(`      rule ${rule.ID}: changed`, ...fieldDiff(old, rule, "        "));
    }
  }
  return lines;
}

function stepLines(step: FixStep): string[] {
  const head = `    ${step.operation} (${step.reason.join(", ")})`;
  switch (step.operation) {
    case "CreateBucket":
      return [head, `      + bucket in ${step.region}${step.after.ObjectLockEnabledForBucket ? " with Object Lock (versioned by S3)" : ""}`];
    case "PutBucketVersioning":
      return [head, `      versioning: ${step.before?.Status ?? "never enabled"} → Enabled`];
    case "PutObjectLockConfiguration":
      return [head, `      Object Lock: off → Enabled`];
    case "PutBucketReplication":
      return [head, ...replicationLines(step)];
  }
}

/** The whole plan as text lines, then the manual fixes with their reasons. */
export function planDiff(plan: FixPlan): string[] {
  const lines: string[] = [];
  for (const account of plan.accounts) {
    for (const bucket of account.buckets) {
      lines.push(`  ${bucket.bucket} (account ${bucket.accountId}, ${bucket.region})`);
      for (const step of bucket.steps) lines.push(...stepLines(step));
    }
  }
  if (plan.manual.length > 0) {
    lines.push(`  manual (${plan.manual.length}):`);
    for (const m of plan.manual) lines.push(`    ${m.bucket} (${m.accountId}) ${m.policyId}: ${m.reason}`);
  }
  return lines;
}

export const stepCount = (plan: FixPlan): number => plan.accounts.reduce((n, a) => n + a.buckets.reduce((m, b) => m + b.steps.length, 0), 0);
