/**
 * Replication configurations as the SDK shapes them: rebuilt from a bucket document, compared by
 * meaning, and changed rule by rule. S3 replaces the whole configuration on every put, so a change
 * is always "the live configuration with this one edit": every other rule passes through as the
 * same object, byte for byte.
 */
import type { Destination, ReplicationConfiguration, ReplicationRule as SdkRule } from "@aws-sdk/client-s3";
import type { Replication, ReplicationRule } from "../model/index.js";
import { parseReplication } from "../scan/parse.js";
import type { RuleChange } from "./types.js";

const status = (on: boolean): "Enabled" | "Disabled" => (on ? "Enabled" : "Disabled");

/** The SDK rule a bucket document's rule was read from, as far as the document tells it. */
export function sdkRule(rule: ReplicationRule): SdkRule {
  const d = rule.destination;
  const destination: Destination = {
    Bucket: d.bucketArn,
    ...(d.declaredAccount === null ? {} : { Account: d.declaredAccount }),
    ...(d.storageClass === null ? {} : { StorageClass: d.storageClass as Destination["StorageClass"] }),
    ...(d.ownerOverride ? { AccessControlTranslation: { Owner: "Destination" as const } } : {}),
    ...(d.replicaKmsKeyId === null ? {} : { EncryptionConfiguration: { ReplicaKmsKeyID: d.replicaKmsKeyId } }),
    ...(d.replicationTime.enabled ? { ReplicationTime: { Status: "Enabled" as const, Time: { Minutes: d.replicationTime.minutes ?? 15 } } } : {}),
    ...(d.metrics.enabled ? { Metrics: { Status: "Enabled" as const, EventThreshold: { Minutes: d.metrics.minutes ?? 15 } } } : {}),
  };
  const sse = {
    ...(rule.sseKmsEncryptedObjects ? { SseKmsEncryptedObjects: { Status: "Enabled" as const } } : {}),
    ...(rule.replicaModifications ? { ReplicaModifications: { Status: "Enabled" as const } } : {}),
  };
  const common = {
    ID: rule.id,
    Status: status(rule.enabled),
    ...(Object.keys(sse).length > 0 ? { SourceSelectionCriteria: sse } : {}),
    ...(rule.existingObjectReplication ? { ExistingObjectReplication: { Status: "Enabled" as const } } : {}),
    Destination: destination,
  };
  // A rule without priority is the V1 schema: top-level Prefix, no Filter, no DeleteMarkerReplication.
  if (rule.priority === null) return { ...common, Prefix: rule.prefix ?? "" };
  const tags = Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value }));
  const filter =
    tags.length === 0
      ? { Prefix: rule.prefix ?? "" }
      : tags.length === 1 && rule.prefix === null
        ? { Tag: tags[0] }
        : { And: { ...(rule.prefix === null ? {} : { Prefix: rule.prefix }), Tags: tags } };
  return { ...common, Priority: rule.priority, Filter: filter, DeleteMarkerReplication: { Status: status(rule.deleteMarkerReplication) } };
}

/** The configuration a bucket document describes, or null when it has none. */
export function sdkConfiguration(replication: Replication): ReplicationConfiguration | null {
  if (!replication.configured) return null;
  return { Role: replication.role ?? "", Rules: replication.rules.map(sdkRule) };
}

/**
 * Same meaning: both read the same through the scanner's own parser (so a configuration rebuilt
 * from a snapshot matches the live one it was read from, whatever XML spelling S3 used).
 */
export function sameConfiguration(a: ReplicationConfiguration | null, b: ReplicationConfiguration | null): boolean {
  return JSON.stringify(parseReplication(a ?? undefined)) === JSON.stringify(parseReplication(b ?? undefined));
}

/** `base-N` for the smallest N ≥ 1 no rule uses (S3 requires unique IDs). */
export function uniqueRuleId(rules: readonly SdkRule[], base: string): string {
  const ids = new Set(rules.map((r) => r.ID));
  if (!ids.has(base)) return base;
  for (let n = 2; ; n += 1) if (!ids.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** One above the highest priority in use (S3 requires unique priorities across V2 rules). */
export const nextPriority = (rules: readonly SdkRule[]): number => Math.max(0, ...rules.map((r) => r.Priority ?? 0)) + 1;

/** Replaces the rule with `ruleId` by `edit(rule)`; every other rule object is kept as it is. */
function editRule(config: ReplicationConfiguration, ruleId: string, edit: (rule: SdkRule) => SdkRule): ReplicationConfiguration {
  if (!(config.Rules ?? []).some((r) => r.ID === ruleId)) throw new RuleMissingError(ruleId);
  return { ...config, Rules: (config.Rules ?? []).map((r) => (r.ID === ruleId ? edit(r) : r)) };
}

/** A change names a rule the live configuration no longer has: the bucket changed since the plan. */
export class RuleMissingError extends Error {
  constructor(readonly ruleId: string) {
    super(`rule ${ruleId} is no longer in the configuration`);
  }
}

function applyChange(config: ReplicationConfiguration, change: RuleChange): ReplicationConfiguration {
  switch (change.kind) {
    case "set-role":
      return { ...config, Role: change.role };
    case "add-rule":
      return { ...config, Rules: [...(config.Rules ?? []), change.rule] };
    case "enable-rule":
      return editRule(config, change.ruleId, (r) => ({ ...r, Status: "Enabled" }));
    case "owner-override":
      return editRule(config, change.ruleId, (r) => ({
        ...r,
        Destination: { ...r.Destination, Bucket: r.Destination?.Bucket, Account: change.account, AccessControlTranslation: { Owner: "Destination" } },
      }));
    case "disable-delete-markers":
      return editRule(config, change.ruleId, (r) => ({ ...r, DeleteMarkerReplication: { Status: "Disabled" } }));
    case "replication-time":
      return editRule(config, change.ruleId, (r) => ({
        ...r,
        Destination: {
          ...r.Destination,
          Bucket: r.Destination?.Bucket,
          // S3 requires Metrics whenever ReplicationTime is enabled; 15 minutes is the only value it takes.
          ReplicationTime: { Status: "Enabled", Time: { Minutes: change.minutes } },
          Metrics: { Status: "Enabled", EventThreshold: { Minutes: change.minutes } },
        },
      }));
    case "replica-kms-key":
      return editRule(config, change.ruleId, (r) => ({
        ...r,
        SourceSelectionCriteria: { ...r.SourceSelectionCriteria, SseKmsEncryptedObjects: { Status: "Enabled" } },
        Destination: { ...r.Destination, Bucket: r.Destination?.Bucket, EncryptionConfiguration: { ReplicaKmsKeyID: change.keyId } },
      }));
  }
}

/** `config` (null: none yet) with every change applied in order. Throws RuleMissingError. */
export function applyChanges(config: ReplicationConfiguration | null, changes: readonly RuleChange[]): ReplicationConfiguration {
  return changes.reduce(applyChange, config ?? { Role: "", Rules: [] });
}
