/**
 * fix.sh: the plan as AWS CLI commands, for teams whose change process forbids a tool writing to
 * production. Each replication configuration is a JSON file beside it (file://), every command
 * names its bucket's Region and expected owner, and each account's commands run with the profile
 * `REPLGUARD_PROFILE_<account>` names (unset: the ambient credentials).
 * Unlike `fix apply`, the script does not re-read a bucket before writing it.
 */
import { stepsInOrder } from "./drafts.js";
import type { FixPlan, FixStep } from "./types.js";

/** Single-quoted for sh. */
const q = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export const replicationFileName = (step: FixStep): string => `replication/${step.accountId}-${step.bucket}.json`;

function command(step: FixStep): string {
  const profile = `$p_${step.accountId}`;
  const where = `--bucket ${q(step.bucket)} --region ${q(step.region)}`;
  const owner = `--expected-bucket-owner ${q(step.accountId)}`;
  switch (step.operation) {
    case "CreateBucket":
      return [
        `aws s3api create-bucket ${where}`,
        step.region === "us-east-1" ? "" : ` --create-bucket-configuration LocationConstraint=${step.region}`,
        step.after.ObjectLockEnabledForBucket ? " --object-lock-enabled-for-bucket" : "",
        ` ${profile}`,
      ].join("");
    case "PutBucketVersioning":
      return `aws s3api put-bucket-versioning ${where} ${owner} --versioning-configuration Status=Enabled ${profile}`;
    case "PutObjectLockConfiguration":
      return `aws s3api put-object-lock-configuration ${where} ${owner} --object-lock-configuration '{"ObjectLockEnabled":"Enabled"}' ${profile}`;
    case "PutBucketReplication":
      return `aws s3api put-bucket-replication ${where} ${owner} --replication-configuration ${q(`file://${replicationFileName(step)}`)} ${profile}`;
  }
}

/** The script text and the JSON files it reads (relative path → content). */
export function fixScript(plan: FixPlan): { script: string; files: Map<string, string> } {
  const steps = stepsInOrder(plan.accounts);
  const files = new Map<string, string>();
  const accounts = [...new Set(steps.map((s) => s.accountId))].sort();
  const lines = [
    "#!/bin/sh",
    `# replguard fix plan, made ${plan.createdAt} from the scan of ${plan.scannedAt}.`,
    "# Review before running. It does not re-read buckets first: run it soon after the plan,",
    "# or use `replguard fix apply plan.json`, which skips a bucket changed since the plan.",
    "set -eu",
    'cd "$(dirname "$0")"',
    ...accounts.map((a) => `p_${a}=\${REPLGUARD_PROFILE_${a}:+--profile \${REPLGUARD_PROFILE_${a}}}`),
    "",
  ];
  for (const step of steps) {
    lines.push(`# ${step.bucket} (${step.accountId}): ${step.reason.join(", ")}`);
    lines.push(command(step));
    if (step.operation === "PutBucketReplication") files.set(replicationFileName(step), `${JSON.stringify(step.after, null, 2)}\n`);
  }
  return { script: `${lines.join("\n")}\n`, files };
}
