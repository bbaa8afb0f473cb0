/**
 * ReplicationConfiguration ⇄ XML, in the shape the AWS SDK v3 uses (`ReplicationConfiguration`),
 * so a scenario's configuration and a PutBucketReplication body are stored alike and
 * GetBucketReplication serializes every field back: Rule order, ID, Priority, V1 Prefix,
 * Filter (Prefix | Tag | And{Prefix, Tag*}), Status, SourceSelectionCriteria, ExistingObjectReplication,
 * Destination (Bucket, Account, StorageClass, AccessControlTranslation, EncryptionConfiguration,
 * ReplicationTime, Metrics) and DeleteMarkerReplication.
 * Element names and nesting: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationRule.html
 */
import type { Destination, ReplicationRule, ReplicationRuleFilter, Tag } from "@aws-sdk/client-s3";
import type { BucketState } from "../core/contracts.js";
import { child, children, el, has, text, wrap, xmlDocument, type XmlNode } from "./xml.js";

export type StoredReplication = NonNullable<BucketState["replication"]>;

/** Thrown while reading a body that does not validate against S3's schema (→ 400 MalformedXML). */
export class MalformedReplication extends Error {}

const malformed = (why: string): never => {
  throw new MalformedReplication(why);
};

const STATUS = new Set(["Enabled", "Disabled"]);
/** Destination/StorageClass values (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html). */
const STORAGE_CLASSES = new Set([
  "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE",
  "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP",
]);

function statusOf(node: XmlNode | undefined, name: string): { Status: "Enabled" | "Disabled" } | undefined {
  if (!has(node, name)) return undefined;
  const status = text(child(node, name), "Status");
  if (status === undefined || !STATUS.has(status)) malformed(`${name}/Status`);
  return { Status: status as "Enabled" | "Disabled" };
}

function minutes(node: XmlNode | undefined, name: string): { Minutes: number } | undefined {
  if (!has(node, name)) return undefined;
  const value = text(child(node, name), "Minutes");
  if (value === undefined || !/^-?\d+$/.test(value)) return malformed(`${name}/Minutes`);
  return { Minutes: Number(value) };
}

function tagOf(node: XmlNode): Tag {
  const key = text(node, "Key");
  const value = text(node, "Value");
  if (key === undefined || value === undefined) malformed("Tag needs Key and Value");
  return { Key: key, Value: value };
}

function readFilter(node: XmlNode): ReplicationRuleFilter {
  const tags = children(node, "Tag");
  const present = [has(node, "Prefix"), tags.length > 0, has(node, "And")].filter(Boolean).length;
  if (present > 1 || tags.length > 1) malformed("Filter takes one of Prefix, Tag, And");
  if (has(node, "Prefix")) return { Prefix: text(node, "Prefix") ?? "" };
  if (tags.length === 1) return { Tag: tagOf(tags[0] as XmlNode) };
  if (has(node, "And")) {
    const and = child(node, "And");
    const andTags = children(and, "Tag").map(tagOf);
    return { And: { ...(has(and, "Prefix") ? { Prefix: text(and, "Prefix") ?? "" } : {}), ...(andTags.length ? { Tags: andTags } : {}) } };
  }
  return {};
}

function readDestination(node: XmlNode | undefined): Destination {
  const bucket = text(node, "Bucket");
  if (bucket === undefined || bucket === "") return malformed("Destination/Bucket is required");
  const destination: Destination = { Bucket: bucket };
  const account = text(node, "Account");
  if (account !== undefined) destination.Account = account;
  const storageClass = text(node, "StorageClass");
  if (storageClass !== undefined) {
    if (!STORAGE_CLASSES.has(storageClass)) malformed("StorageClass");
    destination.StorageClass = storageClass as Destination["StorageClass"];
  }
  if (has(node, "AccessControlTranslation")) {
    const owner = text(child(node, "AccessControlTranslation"), "Owner");
    if (owner !== "Destination") malformed("AccessControlTranslation/Owner must be Destination");
    destination.AccessControlTranslation = { Owner: "Destination" };
  }
  if (has(node, "EncryptionConfiguration")) {
    const key = text(child(node, "EncryptionConfiguration"), "ReplicaKmsKeyID");
    destination.EncryptionConfiguration = key === undefined ? {} : { ReplicaKmsKeyID: key };
  }
  if (has(node, "ReplicationTime")) {
    const rtc = child(node, "ReplicationTime");
    const status = text(rtc, "Status");
    if (status === undefined || !STATUS.has(status)) malformed("ReplicationTime/Status");
    const time = minutes(rtc, "Time");
    if (time === undefined) malformed("ReplicationTime/Time is required");
    destination.ReplicationTime = { Status: status as "Enabled" | "Disabled", Time: time };
  }
  if (has(node, "Metrics")) {
    const metrics = child(node, "Metrics");
    const status = text(metrics, "Status");
    if (status === undefined || !STATUS.has(status)) malformed("Metrics/Status");
    const threshold = minutes(metrics, "EventThreshold");
    destination.Metrics = { Status: status as "Enabled" | "Disabled", ...(threshold ? { EventThreshold: threshold } : {}) };
  }
  return destination;
}

function readRule(node: XmlNode): ReplicationRule {
  const status = text(node, "Status");
  if (status === undefined || !STATUS.has(status)) malformed("Rule/Status");
  if (!has(node, "Destination")) malformed("Rule/Destination is required");
  const rule: ReplicationRule = { Status: status as "Enabled" | "Disabled", Destination: readDestination(child(node, "Destination")) };
  const id = text(node, "ID");
  if (id !== undefined) rule.ID = id;
  const priority = text(node, "Priority");
  if (priority !== undefined) {
    if (!/^-?\d+$/.test(priority)) malformed("Priority must be an integer");
    rule.Priority = Number(priority);
  }
  if (has(node, "Prefix")) rule.Prefix = text(node, "Prefix") ?? "";
  if (has(node, "Filter")) rule.Filter = readFilter(child(node, "Filter") ?? {});
  if (has(node, "SourceSelectionCriteria")) {
    const criteria = child(node, "SourceSelectionCriteria");
    const sseKms = statusOf(criteria, "SseKmsEncryptedObjects");
    const replicaModifications = statusOf(criteria, "ReplicaModifications");
    rule.SourceSelectionCriteria = {
      ...(sseKms ? { SseKmsEncryptedObjects: sseKms } : {}),
      ...(replicaModifications ? { ReplicaModifications: replicaModifications } : {}),
    };
  }
  const existing = statusOf(node, "ExistingObjectReplication");
  if (existing) rule.ExistingObjectReplication = existing;
  const deleteMarkers = statusOf(node, "DeleteMarkerReplication");
  if (deleteMarkers) rule.DeleteMarkerReplication = deleteMarkers;
  return rule;
}

/** Reads a PutBucketReplication body's <ReplicationConfiguration> content; throws MalformedReplication. */
export function readReplication(root: XmlNode): StoredReplication {
  const role = text(root, "Role");
  const rules = children(root, "Rule");
  if (role === undefined) malformed("Role is required");
  if (rules.length === 0) malformed("at least one Rule is required");
  return { Role: role as string, Rules: rules.map(readRule) };
}

// ---------------------------------------------------------------- serialization

const statusXml = (name: string, value: { Status?: string | undefined } | undefined): string =>
  value === undefined ? "" : wrap(name, el("Status", value.Status));
const tagXml = (tag: Tag): string => wrap("Tag", el("Key", tag.Key) + el("Value", tag.Value));

function filterXml(filter: ReplicationRuleFilter | undefined): string {
  if (filter === undefined) return "";
  let inner = el("Prefix", filter.Prefix);
  if (filter.Tag) inner += tagXml(filter.Tag);
  if (filter.And) inner += wrap("And", el("Prefix", filter.And.Prefix) + (filter.And.Tags ?? []).map(tagXml).join(""));
  return wrap("Filter", inner);
}

function destinationXml(d: Destination): string {
  let inner = el("Bucket", d.Bucket) + el("Account", d.Account) + el("StorageClass", d.StorageClass);
  if (d.AccessControlTranslation) inner += wrap("AccessControlTranslation", el("Owner", d.AccessControlTranslation.Owner));
  if (d.EncryptionConfiguration) inner += wrap("EncryptionConfiguration", el("ReplicaKmsKeyID", d.EncryptionConfiguration.ReplicaKmsKeyID));
  if (d.ReplicationTime) {
    const time = d.ReplicationTime.Time ? wrap("Time", el("Minutes", d.ReplicationTime.Time.Minutes)) : "";
    inner += wrap("ReplicationTime", el("Status", d.ReplicationTime.Status) + time);
  }
  if (d.Metrics) {
    const threshold = d.Metrics.EventThreshold ? wrap("EventThreshold", el("Minutes", d.Metrics.EventThreshold.Minutes)) : "";
    inner += wrap("Metrics", el("Status", d.Metrics.Status) + threshold);
  }
  return wrap("Destination", inner);
}

function ruleXml(rule: ReplicationRule): string {
  const criteria = rule.SourceSelectionCriteria;
  const criteriaXml = criteria
    ? wrap("SourceSelectionCriteria", statusXml("SseKmsEncryptedObjects", criteria.SseKmsEncryptedObjects) + statusXml("ReplicaModifications", criteria.ReplicaModifications))
    : "";
  return wrap(
    "Rule",
    el("ID", rule.ID) + el("Priority", rule.Priority) + el("Prefix", rule.Prefix) + filterXml(rule.Filter) + el("Status", rule.Status) +
      criteriaXml + statusXml("ExistingObjectReplication", rule.ExistingObjectReplication) +
      (rule.Destination ? destinationXml(rule.Destination) : "") + statusXml("DeleteMarkerReplication", rule.DeleteMarkerReplication),
  );
}

/** The GetBucketReplication body. */
export function replicationXml(configuration: StoredReplication): string {
  return xmlDocument("ReplicationConfiguration", el("Role", configuration.Role) + configuration.Rules.map(ruleXml).join(""));
}
