/**
 * S3's semantic checks on a PutBucketReplication configuration (after the schema checks in
 * replication-xml.ts). Each rule cites where it is documented; the error codes are S3's. Where
 * S3's exact message could not be confirmed from a captured S3 answer, the comment says so.
 * API reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
 */
import type { Destination, ReplicationRule } from "@aws-sdk/client-s3";
import type { BucketState, World } from "../core/contracts.js";
import type { StoredReplication } from "./replication-xml.js";

export interface ReplicationProblem {
  code: "InvalidRequest" | "InvalidArgument" | "MalformedXML";
  message: string;
  /** ArgumentName/ArgumentValue for InvalidArgument, as S3 adds them. */
  fields?: Record<string, string>;
}

const V2_SUFFIX = " Please refer to S3 Developer Guide for more information.";
/** "A replication configuration ... can contain a maximum of 1,000" rules (API_PutBucketReplication). */
const MAX_RULES = 1000;
/** "ID: A unique identifier for the rule. The maximum value is 255 characters." (API_ReplicationRule) */
const MAX_ID = 255;

const problem = (code: ReplicationProblem["code"], message: string, fields?: Record<string, string>): ReplicationProblem =>
  fields ? { code, message, fields } : { code, message };

const hasTagFilter = (rule: ReplicationRule): boolean =>
  rule.Filter?.Tag !== undefined || (rule.Filter?.And?.Tags?.length ?? 0) > 0;

/** The bucket a Destination/Bucket ARN names (arn:aws:s3:::NAME), or undefined when it is not one. */
export function destinationBucketName(arn: string | undefined): string | undefined {
  const match = /^arn:aws[a-z-]*:s3:::([^/:]+)$/.exec(arn ?? "");
  return match?.[1];
}

function checkRuleShape(rule: ReplicationRule, ids: Set<string>, priorities: Set<number>): ReplicationProblem | undefined {
  if (rule.ID !== undefined) {
    // API_ReplicationRule: at most 255 characters. S3's text not confirmed.
    if (rule.ID.length > MAX_ID) return problem("InvalidArgument", `ID length should not exceed allowed limit of ${MAX_ID}`, { ArgumentName: "ID", ArgumentValue: rule.ID });
    // Rule IDs identify rules and must be unique. S3's text not confirmed.
    if (ids.has(rule.ID)) return problem("InvalidArgument", "Rule Id must be unique.", { ArgumentName: "ID", ArgumentValue: rule.ID });
    ids.add(rule.ID);
  }
  if (rule.Filter !== undefined) {
    // V2 schema. API_PutBucketReplication: "When you add the Filter element in the configuration,
    // you must also add the following elements: DeleteMarkerReplication, Status, and Priority."
    if (rule.Priority === undefined) {
      return problem("InvalidRequest", `Priority must be specified for this version of Cross Region Replication configuration schema.${V2_SUFFIX}`);
    }
    if (rule.DeleteMarkerReplication === undefined) {
      return problem("InvalidRequest", `DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.${V2_SUFFIX}`);
    }
    // "If you specify a Filter element that contains a Tag ... delete marker replication is not
    // supported" — https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
    // ("Delete marker replication is not supported for tag-based replication rules").
    if (rule.DeleteMarkerReplication.Status === "Enabled" && hasTagFilter(rule)) {
      return problem("InvalidRequest", "Delete marker replication is not supported if any Tag filter is specified.");
    }
    // Priority decides between rules that overlap (API_ReplicationRule, Priority); S3 refuses two
    // rules with the same priority. S3's text not confirmed.
    if (priorities.has(rule.Priority)) return problem("InvalidRequest", `Found overlapping priority ${rule.Priority} in replication configuration`);
    priorities.add(rule.Priority);
  } else {
    // V1 schema (rule-level Prefix, no Filter): S3 replicates delete markers itself and the V2
    // elements are refused — "Backward compatibility considerations",
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html#replication-backward-compat-considerations
    if (rule.DeleteMarkerReplication !== undefined) {
      return problem("InvalidRequest", `DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema.${V2_SUFFIX}`);
    }
    if (rule.Priority !== undefined) {
      return problem("InvalidRequest", `Priority cannot be used for this version of Cross Region Replication configuration schema.${V2_SUFFIX}`);
    }
  }
  return undefined;
}

function checkDestinationOptions(rule: ReplicationRule): ReplicationProblem | undefined {
  const destination: Partial<Destination> = rule.Destination ?? {};
  const rtc = destination.ReplicationTime;
  const metrics = destination.Metrics;
  // S3 RTC: "you must enable metrics ... S3 Replication metrics are enabled automatically when you
  // enable S3 RTC", and both use 15 minutes — https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
  // (API_ReplicationTimeValue: "Valid Values: 15"; API_Metrics: EventThreshold "Required if Status is Enabled"
  // with RTC). S3's texts for the RTC checks are not confirmed.
  if (rtc?.Status === "Enabled") {
    if (metrics?.Status !== "Enabled") return problem("InvalidRequest", "Replication Time Control must be used in conjunction with metrics.");
    if (rtc.Time?.Minutes !== 15) return problem("InvalidArgument", "Invalid ReplicationTime Minutes value. Valid value is 15.", { ArgumentName: "Minutes", ArgumentValue: String(rtc.Time?.Minutes) });
    if (metrics.EventThreshold?.Minutes !== 15) {
      return problem("InvalidArgument", "Invalid Metrics EventThreshold Minutes value. Valid value is 15.", { ArgumentName: "Minutes", ArgumentValue: String(metrics.EventThreshold?.Minutes) });
    }
  } else if (metrics?.EventThreshold !== undefined) {
    // Captured S3 answer (crossplane-contrib/provider-aws#1117, pulumi/pulumi-aws#5806).
    return problem("InvalidArgument", "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled");
  }
  // SSE-KMS objects: "you must specify ... ReplicaKmsKeyID" when SseKmsEncryptedObjects is enabled,
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
  // (API_EncryptionConfiguration: "If you're specifying a customer managed KMS key ... for SSE-KMS
  // encrypted objects"). S3's text not confirmed.
  const sseKms = rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === "Enabled";
  const replicaKey = destination.EncryptionConfiguration?.ReplicaKmsKeyID;
  if (sseKms && (replicaKey === undefined || replicaKey === "")) {
    return problem("InvalidRequest", "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.");
  }
  if (!sseKms && replicaKey !== undefined) {
    return problem("InvalidRequest", "SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present.");
  }
  // API_Destination, AccessControlTranslation: "Specify this only in a cross-account scenario ...
  // If this is not specified in the replication configuration, the replicas are owned by same AWS
  // account that owns the source object"; API_AccessControlTranslation needs Destination/Account
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html). S3's text not confirmed.
  if (destination.AccessControlTranslation !== undefined && (destination.Account === undefined || destination.Account === "")) {
    return problem("InvalidRequest", "Destination Account must be specified if AccessControlTranslation is present.");
  }
  return undefined;
}

function checkDestinationBucket(rule: ReplicationRule, source: BucketState, world: World): ReplicationProblem | undefined {
  const arn = rule.Destination?.Bucket;
  const name = destinationBucketName(arn);
  if (name === undefined) return problem("InvalidArgument", "Invalid bucket ARN.", { ArgumentName: "Bucket", ArgumentValue: arn ?? "" });
  if (name === source.name) return problem("InvalidRequest", "Destination bucket cannot be the same as the source bucket.");
  // "Both source and destination buckets must have versioning enabled"
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html#replication-requirements).
  // S3 answers a missing destination with the same error (localstack, "according to AWS testing").
  const destination = world.buckets.get(name);
  if (destination === undefined || destination.versioning !== "Enabled") {
    return problem("InvalidRequest", "Destination bucket must have versioning enabled.");
  }
  // A destination without Object Lock under an Object Lock source is NOT refused here: S3 reports it
  // per object at replication time (DstBucketObjectLockConfigMissing,
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-failure-codes.html).
  return undefined;
}

/** The first problem S3 would report, or undefined when the configuration is accepted. */
export function validateReplication(configuration: StoredReplication, source: BucketState, world: World): ReplicationProblem | undefined {
  const rules = configuration.Rules;
  // "can contain a maximum of 1,000" rules. S3's text not confirmed.
  if (rules.length > MAX_RULES) return problem("InvalidRequest", `The number of replication rules must not exceed the allowed limit of ${MAX_RULES} rules.`);
  // Role is required (API_ReplicationConfiguration: "Required: Yes").
  if (configuration.Role.trim() === "") return problem("MalformedXML", "Role is required");
  // A rule is V1 (no Filter) or V2 (Filter); a rule with both a rule-level Prefix and a Filter, or a
  // configuration mixing both schemas, does not validate.
  const v2 = rules.map((rule) => rule.Filter !== undefined);
  if (rules.some((rule) => rule.Filter !== undefined && rule.Prefix !== undefined) || (v2.includes(true) && v2.includes(false))) {
    return problem("MalformedXML", "mixed replication configuration schemas");
  }
  const ids = new Set<string>();
  const priorities = new Set<number>();
  for (const rule of rules) {
    const found = checkRuleShape(rule, ids, priorities) ?? checkDestinationOptions(rule) ?? checkDestinationBucket(rule, source, world);
    if (found !== undefined) return found;
  }
  return undefined;
}
