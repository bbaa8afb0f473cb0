/**
 * fix.tf: the plan as Terraform for teams who manage buckets as code. One provider per account and
 * Region (assuming `var.role_name` in the account); a replication configuration lists every rule,
 * the existing ones included, because the resource owns the whole configuration as S3 does.
 */
import type { ReplicationRule } from "@aws-sdk/client-s3";
import { stepsInOrder } from "./drafts.js";
import type { FixPlan, FixStep } from "./types.js";

const str = (value: string): string => JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
const ident = (text: string): string => text.replace(/[^A-Za-z0-9_]/g, "_");
const alias = (step: FixStep): string => `a${step.accountId}_${ident(step.region)}`;
const resourceName = (step: FixStep): string => ident(`${step.bucket}`);

function block(name: string, body: string[], indent: string): string[] {
  return [`${indent}${name} {`, ...body.map((line) => `${indent}  ${line}`), `${indent}}`];
}

function statusBlock(name: string, value: { Status?: string } | undefined): string[] {
  return value?.Status === undefined ? [] : block(name, [`status = ${str(value.Status)}`], "");
}

function filterLines(rule: ReplicationRule): string[] {
  if (rule.Filter === undefined) return rule.Prefix === undefined ? [] : [`prefix = ${str(rule.Prefix)}`];
  const f = rule.Filter;
  const tags = (list: Array<{ Key?: string; Value?: string }>) => `tags = { ${list.map((t) => `${str(t.Key ?? "")} = ${str(t.Value ?? "")}`).join(", ")} }`;
  if (f.And !== undefined) return block("filter", block("and", [...(f.And.Prefix === undefined ? [] : [`prefix = ${str(f.And.Prefix)}`]), tags(f.And.Tags ?? [])], ""), "");
  if (f.Tag !== undefined) return block("filter", block("tag", [`key = ${str(f.Tag.Key ?? "")}`, `value = ${str(f.Tag.Value ?? "")}`], ""), "");
  return block("filter", [`prefix = ${str(f.Prefix ?? "")}`], "");
}

function ruleLines(rule: ReplicationRule): string[] {
  const d = rule.Destination;
  const destination = [
    `bucket = ${str(d?.Bucket ?? "")}`,
    ...(d?.Account === undefined ? [] : [`account = ${str(d.Account)}`]),
    ...(d?.StorageClass === undefined ? [] : [`storage_class = ${str(d.StorageClass)}`]),
    ...(d?.AccessControlTranslation?.Owner === undefined ? [] : block("access_control_translation", [`owner = ${str(d.AccessControlTranslation.Owner)}`], "")),
    ...(d?.EncryptionConfiguration?.ReplicaKmsKeyID === undefined ? [] : block("encryption_configuration", [`replica_kms_key_id = ${str(d.EncryptionConfiguration.ReplicaKmsKeyID)}`], "")),
    ...(d?.ReplicationTime === undefined ? [] : block("replication_time", [`status = ${str(d.ReplicationTime.Status ?? "Disabled")}`, ...block("time", [`minutes = ${d.ReplicationTime.Time?.Minutes ?? 15}`], "")], "")),
    ...(d?.Metrics === undefined ? [] : block("metrics", [`status = ${str(d.Metrics.Status ?? "Disabled")}`, ...(d.Metrics.EventThreshold === undefined ? [] : block("event_threshold", [`minutes = ${d.Metrics.EventThreshold.Minutes ?? 15}`], ""))], "")),
  ];
  const sse = rule.SourceSelectionCriteria;
  return block("rule", [
    ...(rule.ID === undefined ? [] : [`id = ${str(rule.ID)}`]),
    ...(rule.Priority === undefined ? [] : [`priority = ${rule.Priority}`]),
    `status = ${str(rule.Status ?? "Enabled")}`,
    ...filterLines(rule),
    ...statusBlock("delete_marker_replication", rule.DeleteMarkerReplication),
    ...statusBlock("existing_object_replication", rule.ExistingObjectReplication),
    ...(sse === undefined ? [] : block("source_selection_criteria", [...statusBlock("sse_kms_encrypted_objects", sse.SseKmsEncryptedObjects), ...statusBlock("replica_modifications", sse.ReplicaModifications)], "")),
    ...block("destination", destination, ""),
  ], "");
}

function resource(step: FixStep, dependsOn: string[]): string[] {
  const head = [`provider = aws.${alias(step)}`, `bucket   = ${str(step.bucket)}`];
  const deps = dependsOn.length === 0 ? [] : [`depends_on = [${dependsOn.join(", ")}]`];
  switch (step.operation) {
    case "CreateBucket":
      return block(`resource "aws_s3_bucket" ${str(resourceName(step))}`, [...head, ...(step.after.ObjectLockEnabledForBucket ? ["object_lock_enabled = true"] : [])], "");
    case "PutBucketVersioning":
      return block(`resource "aws_s3_bucket_versioning" ${str(resourceName(step))}`, [...head, `expected_bucket_owner = ${str(step.accountId)}`, ...block("versioning_configuration", [`status = "Enabled"`], ""), ...deps], "");
    case "PutObjectLockConfiguration":
      return block(`resource "aws_s3_bucket_object_lock_configuration" ${str(resourceName(step))}`, [...head, `expected_bucket_owner = ${str(step.accountId)}`, `object_lock_enabled = "Enabled"`, ...deps], "");
    case "PutBucketReplication":
      return block(`resource "aws_s3_bucket_replication_configuration" ${str(resourceName(step))}`, [...head, `role = ${str(step.after.Role ?? "")}`, ...deps, ...(step.after.Rules ?? []).flatMap(ruleLines)], "");
  }
}

const TF_TYPE: Record<FixStep["operation"], string> = {
  CreateBucket: "aws_s3_bucket",
  PutBucketVersioning: "aws_s3_bucket_versioning",
  PutObjectLockConfiguration: "aws_s3_bucket_object_lock_configuration",
  PutBucketReplication: "aws_s3_bucket_replication_configuration",
};

export function fixTerraform(plan: FixPlan): string {
  const steps = stepsInOrder(plan.accounts);
  const address = new Map(steps.map((s) => [s.id, `${TF_TYPE[s.operation]}.${resourceName(s)}`]));
  const providers = [...new Map(steps.map((s) => [alias(s), s])).values()];
  const lines = [
    `# replguard fix plan, made ${plan.createdAt} from the scan of ${plan.scannedAt}.`,
    "# Import the buckets' existing versioning and replication into state before applying, or fold these into your modules.",
    ...block(`variable "role_name"`, [`type    = string`, `default = "OrganizationAccountAccessRole"`], ""),
    "",
  ];
  for (const p of providers) {
    lines.push(...block(`provider "aws"`, [`alias  = ${str(alias(p))}`, `region = ${str(p.region)}`, ...block("assume_role", [`role_arn = "arn:aws:iam::${p.accountId}:role/\${var.role_name}"`], "")], ""), "");
  }
  for (const step of steps) lines.push(...resource(step, step.dependsOn.map((id) => address.get(id)).filter((a): a is string => a !== undefined)), "");
  return `${lines.join("\n")}`;
}
