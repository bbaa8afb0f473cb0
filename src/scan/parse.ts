/**
 * SDK answers → bucket-document values. Pure functions: nothing of an SDK response outlives them,
 * so per-bucket state stays the small document, not the response.
 */
import type {
  GetBucketEncryptionCommandOutput,
  GetBucketVersioningCommandOutput,
  GetObjectLockConfigurationCommandOutput,
  ReplicationConfiguration,
  ReplicationRule as SdkReplicationRule,
  Tag,
} from "@aws-sdk/client-s3";
import type {
  Encryption,
  ObjectLock,
  Replication,
  ReplicationDestination,
  ReplicationRule,
  RuleScope,
  Versioning,
} from "../model/index.js";

/** `LocationConstraint` → region: empty means us-east-1, and the legacy `EU` means eu-west-1. */
export function regionFromLocation(location: string | undefined | null): string {
  if (location === undefined || location === null || location === "") return "us-east-1";
  if (location === "EU") return "eu-west-1";
  return location;
}

/** Absent `Status` = versioning never enabled ("Disabled"); absent `MFADelete` = "Disabled". */
export function parseVersioning(out: Pick<GetBucketVersioningCommandOutput, "Status" | "MFADelete">): Versioning {
  return {
    status: out.Status === "Enabled" || out.Status === "Suspended" ? out.Status : "Disabled",
    mfaDelete: out.MFADelete === "Enabled" ? "Enabled" : "Disabled",
  };
}

export function parseObjectLock(out: Pick<GetObjectLockConfigurationCommandOutput, "ObjectLockConfiguration">): ObjectLock {
  const config = out.ObjectLockConfiguration;
  const retention = config?.Rule?.DefaultRetention;
  const mode = retention?.Mode;
  return {
    enabled: config?.ObjectLockEnabled === "Enabled",
    mode: mode === "GOVERNANCE" || mode === "COMPLIANCE" ? mode : null,
    days: retention?.Days ?? null,
    years: retention?.Years ?? null,
  };
}

/** The default encryption rule (the first one; S3 allows one), or null when there is none. */
export function parseEncryption(out: Pick<GetBucketEncryptionCommandOutput, "ServerSideEncryptionConfiguration">): Encryption | null {
  const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
  const byDefault = rule?.ApplyServerSideEncryptionByDefault;
  if (byDefault?.SSEAlgorithm === undefined) return null;
  return {
    algorithm: byDefault.SSEAlgorithm,
    kmsKeyId: byDefault.KMSMasterKeyID ?? null,
    bucketKeyEnabled: rule?.BucketKeyEnabled ?? false,
  };
}

export function parseTags(tags: Tag[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? "";
  return result;
}

/** `arn:aws:s3:::name` (or a bare name) → `name`. */
export function bucketNameFromArn(arn: string): string {
  const match = /^arn:[^:]*:s3:::(.+)$/.exec(arn);
  return (match?.[1] ?? arn).split("/")[0] ?? arn;
}

const enabled = (status: string | undefined): boolean => status === "Enabled";

function ruleScope(prefix: string | null, tags: Record<string, string>): RuleScope {
  const hasPrefix = prefix !== null && prefix !== "";
  const hasTags = Object.keys(tags).length > 0;
  if (hasPrefix && hasTags) return "prefix-and-tags";
  if (hasPrefix) return "prefix";
  if (hasTags) return "tags";
  return "all";
}

/** Destination as written in the rule; the resolution fields are filled by `resolveDestinations`. */
function parseDestination(rule: SdkReplicationRule): ReplicationDestination {
  const d = rule.Destination;
  const bucketArn = d?.Bucket ?? "";
  const declaredAccount = d?.Account ?? null;
  return {
    bucket: bucketNameFromArn(bucketArn),
    bucketArn,
    account: null,
    declaredAccount,
    declaredAccountStatus: null,
    declaredAccountInOrganization: null,
    region: null,
    storageClass: d?.StorageClass ?? null,
    ownerOverride: d?.AccessControlTranslation?.Owner === "Destination",
    replicaKmsKeyId: d?.EncryptionConfiguration?.ReplicaKmsKeyID ?? null,
    replicationTime: { enabled: enabled(d?.ReplicationTime?.Status), minutes: d?.ReplicationTime?.Time?.Minutes ?? null },
    metrics: { enabled: enabled(d?.Metrics?.Status), minutes: d?.Metrics?.EventThreshold?.Minutes ?? null },
    resolved: false,
    resolution: "unknown",
    inOrganization: null,
    crossAccount: null,
    crossRegion: null,
    versioning: null,
    objectLock: null,
    unreadable: [],
  };
}

/**
 * One rule. A rule without `Filter` is the V1 schema: its scope is the top-level `Prefix`, it has no
 * priority, and S3 replicates delete markers created by user actions for it ("Backward
 * compatibility considerations", https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html).
 * V2 rules say it with `DeleteMarkerReplication`.
 */
export function parseRule(rule: SdkReplicationRule, index: number): ReplicationRule {
  const v1 = rule.Filter === undefined && rule.DeleteMarkerReplication === undefined && rule.Priority === undefined;
  const filter = rule.Filter;
  const tagList = filter?.And?.Tags ?? (filter?.Tag === undefined ? [] : [filter.Tag]);
  const tags = parseTags(tagList);
  const rawPrefix = v1 ? rule.Prefix : (filter?.And?.Prefix ?? filter?.Prefix ?? rule.Prefix);
  const prefix = rawPrefix === undefined || rawPrefix === "" ? null : rawPrefix;
  const sse = rule.SourceSelectionCriteria;
  return {
    id: rule.ID ?? `rule-${index + 1}`,
    priority: rule.Priority ?? null,
    enabled: enabled(rule.Status),
    scope: ruleScope(prefix, tags),
    prefix,
    tags,
    deleteMarkerReplication: v1 ? true : enabled(rule.DeleteMarkerReplication?.Status),
    existingObjectReplication: enabled(rule.ExistingObjectReplication?.Status),
    replicaModifications: enabled(sse?.ReplicaModifications?.Status),
    sseKmsEncryptedObjects: enabled(sse?.SseKmsEncryptedObjects?.Status),
    destination: parseDestination(rule),
  };
}

export function parseReplication(config: ReplicationConfiguration | undefined): Replication {
  if (config === undefined) return notConfigured();
  return { configured: true, role: config.Role ?? null, rules: (config.Rules ?? []).map(parseRule) };
}

export const notConfigured = (): Replication => ({ configured: false, role: null, rules: [] });
