/**
 * Both sides in one meaning: what Terraform declares (provider v4+ separate resources, or provider
 * v3 inline blocks of `aws_s3_bucket`) and what the scanner read are turned into the same
 * ComparableRule / versioning / Object Lock shape, the meaning `src/scan/parse.ts` gives S3's answer:
 * - a rule without a filter is a V1 rule: its scope is the rule's `prefix`, S3 replicates its delete
 *   markers (AWS's backward-compatibility note), and it has no priority; a V2 rule with an absent
 *   or empty filter covers every object, and its delete markers are replicated only when
 *   `delete_marker_replication` says `Enabled`;
 * - an absent priority is 0 (the provider sends 0; S3's default), a V1 rule's too;
 * - an empty prefix, storage class or account is none; statuses compare case-insensitively;
 * - RTC and metrics minutes are compared only when the feature is enabled.
 * This module shares no code with the scanner on purpose: a shared helper would hide a shared bug.
 */
import type { MfaDeleteStatus, ReplicationRule } from "../../model/index.js";
import { terraformError, type TerraformResource } from "./read.js";
import type {
  ComparableRule,
  Declared,
  DeclaredBucket,
  DeclaredObjectLock,
  DeclaredReplication,
  DeclaredRetention,
  DeclaredVersioning,
  DeclaredVersioningStatus,
  UnplacedResource,
} from "../../model/terraform-drift.js";

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);
/** A nested block: Terraform writes it as a list of at most one object. */
const block = (value: unknown): Values | undefined => (Array.isArray(value) && isObject(value[0]) ? value[0] : undefined);
const blocks = (value: unknown): Values[] => (Array.isArray(value) ? value.filter(isObject) : []);
/** A string, with "" (Terraform's unset string) read as none. */
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
/** A number, with 0 (Terraform's unset number) read as none. */
const count = (value: unknown): number | null => (typeof value === "number" && value !== 0 ? value : null);
const isEnabled = (status: unknown): boolean => typeof status === "string" && status.toLowerCase() === "enabled";
const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(isObject(value) ? value : {}).filter((e): e is [string, string] => typeof e[1] === "string"));
/** `arn:aws:s3:::name` (or a bare name) → `name`. */
const bucketName = (arnOrName: string): string => (/^arn:[^:]*:s3:::([^/]+)/.exec(arnOrName)?.[1] ?? arnOrName);

const retentionMode = (mode: unknown): DeclaredRetention["mode"] => {
  const upper = typeof mode === "string" ? mode.toUpperCase() : "";
  return upper === "GOVERNANCE" || upper === "COMPLIANCE" ? upper : null;
};

function retention(rule: Values | undefined): DeclaredRetention | null {
  const defaults = block(rule?.default_retention);
  if (defaults === undefined) return null;
  return { mode: retentionMode(defaults.mode), days: count(defaults.days), years: count(defaults.years) };
}

const minutes = (enabled: boolean, value: unknown): { enabled: boolean; minutes: number | null } => ({ enabled, minutes: enabled ? count(value) : null });

// ---------------------------------------------------------------- provider v4+ separate resources

/** One `rule` of `aws_s3_bucket_replication_configuration`. */
export function ruleFromResource(rule: Values): ComparableRule {
  const filter = block(rule.filter) ?? (Array.isArray(rule.filter) && rule.filter.length > 0 ? {} : undefined);
  const and = block(filter?.and);
  const tag = block(filter?.tag);
  // An empty `filter {}` is still a filter (V2, every object); no filter block at all is V1.
  const v1 = filter === undefined && block(rule.delete_marker_replication) === undefined;
  const prefix = v1 ? text(rule.prefix) : (text(and?.prefix) ?? text(filter?.prefix) ?? text(rule.prefix));
  const tags = and !== undefined ? stringMap(and.tags) : tag !== undefined && typeof tag.key === "string" ? { [tag.key]: typeof tag.value === "string" ? tag.value : "" } : {};
  const criteria = block(rule.source_selection_criteria);
  const d = block(rule.destination) ?? {};
  const rtc = block(d.replication_time);
  const metrics = block(d.metrics);
  return {
    id: text(rule.id),
    priority: v1 ? 0 : (typeof rule.priority === "number" ? rule.priority : 0),
    enabled: isEnabled(rule.status),
    prefix,
    tags,
    deleteMarkerReplication: v1 ? true : isEnabled(block(rule.delete_marker_replication)?.status),
    existingObjectReplication: isEnabled(block(rule.existing_object_replication)?.status),
    replicaModifications: isEnabled(block(criteria?.replica_modifications)?.status),
    sseKmsEncryptedObjects: isEnabled(block(criteria?.sse_kms_encrypted_objects)?.status),
    destination: {
      bucket: bucketName(text(d.bucket) ?? ""),
      account: text(d.account),
      storageClass: text(d.storage_class),
      ownerOverride: block(d.access_control_translation)?.owner === "Destination",
      replicaKmsKeyId: text(block(d.encryption_configuration)?.replica_kms_key_id),
      replicationTime: minutes(isEnabled(rtc?.status), block(rtc?.time)?.minutes),
      metrics: minutes(isEnabled(metrics?.status), block(metrics?.event_threshold)?.minutes),
    },
  };
}

// ---------------------------------------------------------------- provider v3 inline blocks

/**
 * One `rules` block of provider v3's inline `replication_configuration`. A `filter` block, even an
 * empty one, makes the rule V2, as the configuration means it and as the provider reads a V2 rule
 * back; the v3 provider itself sends an empty `filter {}` as a V1 rule (terraform-provider-aws
 * #10235), and then AWS holds a rule that replicates delete markers: that difference is real.
 */
export function ruleFromV3Inline(rule: Values): ComparableRule {
  const filter = block(rule.filter) ?? (Array.isArray(rule.filter) && rule.filter.length > 0 ? {} : undefined);
  const filterTags = stringMap(filter?.tags);
  const v1 = filter === undefined;
  const criteria = block(rule.source_selection_criteria);
  const d = block(rule.destination) ?? {};
  const rtc = block(d.replication_time);
  const metrics = block(d.metrics);
  return {
    id: text(rule.id),
    priority: v1 ? 0 : (typeof rule.priority === "number" ? rule.priority : 0),
    enabled: isEnabled(rule.status),
    prefix: v1 ? text(rule.prefix) : text(filter?.prefix),
    tags: v1 ? {} : filterTags,
    deleteMarkerReplication: v1 ? true : isEnabled(rule.delete_marker_replication_status),
    existingObjectReplication: false, // not in provider v3
    replicaModifications: false, // not in provider v3
    sseKmsEncryptedObjects: block(criteria?.sse_kms_encrypted_objects)?.enabled === true,
    destination: {
      bucket: bucketName(text(d.bucket) ?? ""),
      account: text(d.account_id),
      storageClass: text(d.storage_class),
      ownerOverride: block(d.access_control_translation)?.owner === "Destination",
      replicaKmsKeyId: text(d.replica_kms_key_id),
      replicationTime: minutes(isEnabled(rtc?.status), rtc?.minutes),
      metrics: minutes(isEnabled(metrics?.status), metrics?.minutes),
    },
  };
}

// ---------------------------------------------------------------- the live side

/** A scanned rule in the comparable shape. */
export function ruleFromLive(rule: ReplicationRule): ComparableRule {
  const d = rule.destination;
  return {
    id: rule.id,
    priority: rule.priority ?? 0,
    enabled: rule.enabled,
    prefix: rule.prefix === "" ? null : rule.prefix,
    tags: rule.tags,
    deleteMarkerReplication: rule.deleteMarkerReplication,
    existingObjectReplication: rule.existingObjectReplication,
    replicaModifications: rule.replicaModifications,
    sseKmsEncryptedObjects: rule.sseKmsEncryptedObjects,
    destination: {
      bucket: d.bucket,
      account: d.declaredAccount === "" ? null : d.declaredAccount,
      storageClass: d.storageClass === "" ? null : d.storageClass,
      ownerOverride: d.ownerOverride,
      replicaKmsKeyId: d.replicaKmsKeyId === "" ? null : d.replicaKmsKeyId,
      replicationTime: { enabled: d.replicationTime.enabled, minutes: d.replicationTime.enabled ? d.replicationTime.minutes : null },
      metrics: { enabled: d.metrics.enabled, minutes: d.metrics.enabled ? d.metrics.minutes : null },
    },
  };
}

// ---------------------------------------------------------------- resources → buckets

/** Unknown paths that do not matter: ids Terraform or S3 assign (a rule without id is matched by priority). */
const IGNORED_UNKNOWN = /^(id|arn|rule\.\d+\.id|replication_configuration\.\d+\.rules\.\d+\.id)$/;
const unknownUnder = (resource: TerraformResource, roots: readonly string[]): string[] =>
  resource.unknown.filter((path) => !IGNORED_UNKNOWN.test(path) && roots.some((root) => path === root || path.startsWith(`${root}.`)));
const ALL = [""];
const unknownOf = (resource: TerraformResource, roots: readonly string[] = ALL): string[] =>
  roots === ALL ? resource.unknown.filter((path) => !IGNORED_UNKNOWN.test(path) && path !== "bucket") : unknownUnder(resource, roots);

const declared = <T>(resource: TerraformResource, value: T, roots?: readonly string[]): Declared<T> => ({
  source: { address: resource.address, type: resource.type, unknown: unknownOf(resource, roots) },
  value,
});

const mfa = (value: unknown): MfaDeleteStatus | null => (typeof value === "string" && value !== "" ? (isEnabled(value) ? "Enabled" : "Disabled") : null);

function versioningStatus(value: unknown): DeclaredVersioningStatus {
  const status = typeof value === "string" ? value.toLowerCase() : "";
  return status === "enabled" ? "Enabled" : status === "suspended" ? "Suspended" : "Disabled";
}

function replicationOf(values: Values, rules: Values[], fromRule: (rule: Values) => ComparableRule): DeclaredReplication {
  return { role: text(values.role), rules: rules.map(fromRule) };
}

/** Provider v4+ keeps `versioning`, `replication_configuration` and `object_lock_configuration` on `aws_s3_bucket` as values read back from AWS; only v3 declares with them. */
const isV3Bucket = (resource: TerraformResource): boolean => !("object_lock_enabled" in resource.values) && !resource.unknown.includes("object_lock_enabled");

type Facts = Pick<DeclaredBucket, "versioning" | "objectLock" | "replication">;

/** What one resource declares, fact by fact (inline v3 facts are marked weak: a separate resource wins). */
function factsOf(resource: TerraformResource): { strong: Facts; weak: Facts } {
  const v = resource.values;
  switch (resource.type) {
    case "aws_s3_bucket_versioning": {
      const config = block(v.versioning_configuration);
      return { strong: { versioning: declared(resource, { status: versioningStatus(config?.status), mfaDelete: mfa(config?.mfa_delete) } satisfies DeclaredVersioning) }, weak: {} };
    }
    case "aws_s3_bucket_replication_configuration":
      return { strong: { replication: declared(resource, replicationOf(v, blocks(v.rule), ruleFromResource)) }, weak: {} };
    case "aws_s3_bucket_object_lock_configuration":
      return { strong: { objectLock: declared(resource, { enabled: true, retention: retention(block(v.rule)) } satisfies DeclaredObjectLock) }, weak: {} };
    case "aws_s3_bucket": {
      if (!isV3Bucket(resource)) {
        // `false` is also what the provider writes when the configuration says nothing: only `true` declares.
        const declares = v.object_lock_enabled === true || resource.unknown.includes("object_lock_enabled");
        return { strong: {}, weak: declares ? { objectLock: declared(resource, { enabled: true }, ["object_lock_enabled"]) } : {} };
      }
      const weak: Facts = {};
      const versioning = block(v.versioning);
      if (versioning !== undefined || unknownUnder(resource, ["versioning"]).length > 0) {
        const status: DeclaredVersioningStatus = versioning?.enabled === true ? "Enabled" : "NotEnabled";
        weak.versioning = declared(resource, { status, mfaDelete: typeof versioning?.mfa_delete === "boolean" ? (versioning.mfa_delete ? "Enabled" : "Disabled") : null }, ["versioning"]);
      }
      const replication = block(v.replication_configuration);
      if (replication !== undefined || unknownUnder(resource, ["replication_configuration"]).length > 0) {
        weak.replication = declared(resource, replicationOf(replication ?? {}, blocks(replication?.rules), ruleFromV3Inline), ["replication_configuration"]);
      }
      const lock = block(v.object_lock_configuration);
      if (lock !== undefined || unknownUnder(resource, ["object_lock_configuration"]).length > 0) {
        weak.objectLock = declared(resource, { enabled: isEnabled(lock?.object_lock_enabled), retention: retention(block(lock?.rule)) }, ["object_lock_configuration"]);
      }
      return { strong: {}, weak };
    }
  }
}

const FACTS = ["versioning", "objectLock", "replication"] as const;

/** Groups the resources by the bucket they name; a resource whose bucket is unknown until apply is unplaced. */
export function declareBuckets(resources: readonly TerraformResource[], file: string): { buckets: DeclaredBucket[]; unplaced: UnplacedResource[] } {
  const byName = new Map<string, { bucket: DeclaredBucket; weak: Facts }>();
  const unplaced: UnplacedResource[] = [];
  for (const resource of resources) {
    const name = resource.values.bucket;
    if (typeof name !== "string" || name === "") {
      if (resource.unknown.includes("bucket") || name === undefined) {
        unplaced.push({ address: resource.address, type: resource.type });
        continue;
      }
      throw terraformError(file, `${resource.address}: bucket is ${JSON.stringify(name)}, not a bucket name`);
    }
    const key = bucketName(name);
    const entry = byName.get(key) ?? { bucket: { bucket: key, addresses: [], createdBy: null }, weak: {} };
    byName.set(key, entry);
    entry.bucket.addresses.push(resource.address);
    if (resource.type === "aws_s3_bucket" && resource.created) entry.bucket.createdBy = resource.address;
    const { strong, weak } = factsOf(resource);
    for (const fact of FACTS) {
      const found = strong[fact];
      if (found !== undefined) {
        const previous = entry.bucket[fact];
        if (previous !== undefined) {
          throw terraformError(file, `${previous.source.address} and ${resource.address} both declare the ${fact} of bucket ${key}`);
        }
        (entry.bucket as Facts)[fact] = found as never;
      }
      if (weak[fact] !== undefined) (entry.weak as Facts)[fact] = weak[fact] as never;
    }
  }
  const buckets = [...byName.values()].map(({ bucket, weak }) => {
    for (const fact of FACTS) if (bucket[fact] === undefined && weak[fact] !== undefined) (bucket as Facts)[fact] = weak[fact] as never;
    bucket.addresses.sort();
    return bucket;
  });
  buckets.sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
  unplaced.sort((a, b) => (a.address < b.address ? -1 : 1));
  return { buckets, unplaced };
}
