/**
 * Configuration drift per bucket: what the bucket document says about the bucket's own
 * configuration, field by field. Compared (docs/drift.md "What is compared"):
 * - bucket: versioning (status, MFA delete), Object Lock, default encryption, tags, replication
 *   role and whether replication is configured, and which configuration reads failed;
 * - each rule, matched by ID and then by priority (so reordering is no change): ID, priority, status,
 *   scope, prefix, tags, delete-marker / existing-object / replica-modification / SSE-KMS
 *   replication, and the destination as configured or verified (bucket, verified account,
 *   declared account, region, storage class, owner override, KMS key, RTC, metrics).
 * Not compared: fields derived from other buckets or from the scan itself (`collected`,
 * `replicatedFrom`, `isReplicaDestination`, the destination's resolution, cross-account/region
 * flags, and its versioning/Object Lock, which are the destination bucket's own drift).
 * A fact that was not read on one side (a failed call, or not collected) is not compared: an
 * unread value is not a changed one; the failed read is reported as its own change.
 */
import { currentDocument, FACTS, type AccountRecord, type BucketDocument, type ConfigChange, type FactName, type ReplicationRule, type Snapshot, type StoredBucketDocument } from "../model/index.js";
import { compareText, sameValue, sortBy } from "./compare.js";

const BUCKET_FIELDS: { fact: FactName; fields: string[] }[] = [
  { fact: "versioning", fields: ["versioning.status", "versioning.mfaDelete"] },
  { fact: "objectLock", fields: ["objectLock.enabled", "objectLock.mode", "objectLock.days", "objectLock.years"] },
  { fact: "encryption", fields: ["encryption.algorithm", "encryption.kmsKeyId", "encryption.bucketKeyEnabled"] },
  { fact: "tags", fields: ["tags"] },
  { fact: "replication", fields: ["replication.configured", "replication.role"] },
];

const RULE_FIELDS = [
  "priority",
  "enabled",
  "scope",
  "prefix",
  "tags",
  "deleteMarkerReplication",
  "existingObjectReplication",
  "replicaModifications",
  "sseKmsEncryptedObjects",
  "destination.bucket",
  "destination.account",
  "destination.declaredAccount",
  "destination.region",
  "destination.storageClass",
  "destination.ownerOverride",
  "destination.replicaKmsKeyId",
  "destination.replicationTime",
  "destination.metrics",
] as const;

/** The value at a dotted path; a missing object on the way (e.g. `objectLock: null`) reads as null. */
function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return null;
    current = (current as Record<string, unknown>)[key];
  }
  return current ?? null;
}

/** Whether a fact's value on this document can be trusted: collected, and its call did not fail. */
const readOk = (doc: BucketDocument, fact: FactName): boolean =>
  doc.collected.includes(fact) && !doc.errors.some((error) => error.operation === FACTS[fact].call);

const failedReads = (doc: BucketDocument): string[] => [...new Set(doc.errors.map((error) => `${error.operation} ${error.code}`))].sort(compareText);

/** The rule as configured, for `rule-added` / `rule-removed`: the compared fields only. */
function ruleView(rule: ReplicationRule): Record<string, unknown> {
  return { id: rule.id, ...Object.fromEntries(RULE_FIELDS.map((field) => [field, at(rule, field)])) };
}

export const ruleLabel = (rule: ReplicationRule): string => (rule.id !== "" ? rule.id : `priority ${rule.priority ?? "none"}`);

/** Pairs rules by ID, then the rest by priority; returns pairs and the unpaired rules on each side. */
function matchRules(before: ReplicationRule[], after: ReplicationRule[]) {
  const pairs: [ReplicationRule, ReplicationRule][] = [];
  let left = [...before];
  let right = [...after];
  const pairBy = (key: (rule: ReplicationRule) => string | null): void => {
    const index = new Map<string, ReplicationRule>();
    for (const rule of right) {
      const k = key(rule);
      if (k !== null && !index.has(k)) index.set(k, rule);
    }
    const used = new Set<ReplicationRule>();
    left = left.filter((rule) => {
      const k = key(rule);
      const match = k === null ? undefined : index.get(k);
      if (match === undefined || used.has(match)) return true;
      used.add(match);
      pairs.push([rule, match]);
      return false;
    });
    right = right.filter((rule) => !used.has(rule));
  };
  pairBy((rule) => (rule.id === "" ? null : rule.id));
  pairBy((rule) => (rule.priority === null ? null : String(rule.priority)));
  return { pairs, removed: left, added: right };
}

/** The changes of one bucket; either side may be an older major's document (a baseline of 1.x), compared in the current shape. */
export function bucketChanges(stored: StoredBucketDocument, storedNow: StoredBucketDocument): ConfigChange[] {
  const before = currentDocument(stored);
  const after = currentDocument(storedNow);
  const changes: ConfigChange[] = [];
  const base = { accountId: after.account.id, bucket: after.name, bucketArn: after.arn };
  const push = (ruleId: string | null, field: string, was: unknown, now: unknown): void => {
    if (!sameValue(was, now)) changes.push({ change: "changed", ...base, ruleId, field, before: was ?? null, after: now ?? null });
  };
  push(null, "readErrors", failedReads(before), failedReads(after));
  for (const { fact, fields } of BUCKET_FIELDS) {
    if (!readOk(before, fact) || !readOk(after, fact)) continue;
    for (const field of fields) push(null, field, at(before, field), at(after, field));
  }
  if (readOk(before, "replication") && readOk(after, "replication")) {
    const { pairs, removed, added } = matchRules(before.replication?.rules ?? [], after.replication?.rules ?? []);
    for (const rule of removed) changes.push({ change: "rule-removed", ...base, ruleId: ruleLabel(rule), field: null, before: ruleView(rule), after: null });
    for (const rule of added) changes.push({ change: "rule-added", ...base, ruleId: ruleLabel(rule), field: null, before: null, after: ruleView(rule) });
    for (const [was, now] of pairs) {
      // Paired by priority after its ID changed: the rename is a change too.
      push(ruleLabel(now), "id", was.id, now.id);
      for (const field of RULE_FIELDS) push(ruleLabel(now), field, at(was, field), at(now, field));
    }
  }
  return changes;
}

/** Every configuration change between the two snapshots, sorted by bucket ARN, rule and field. */
export function configurationDrift(baseline: Snapshot, current: Snapshot): ConfigChange[] {
  return sortConfigChanges(unmatchedBucketChanges(baseline.buckets, current.buckets, baseline.accounts, current.accounts));
}

export const sortConfigChanges = (changes: ConfigChange[]): ConfigChange[] => sortBy(changes, (c) => c.bucketArn, (c) => c.ruleId, (c) => c.field, (c) => c.change);

/**
 * The changes between two sets of bucket documents, paired by ARN: field changes for a pair, and
 * for a bucket on one side only, removed (or unread: its account was not read now), added (or read
 * again: its account was not read before). Unsorted.
 */
export function unmatchedBucketChanges(
  beforeDocs: readonly BucketDocument[],
  afterDocs: readonly BucketDocument[],
  accountsBefore: readonly AccountRecord[],
  accountsAfter: readonly AccountRecord[],
): ConfigChange[] {
  const now = new Map(afterDocs.map((doc) => [doc.arn, doc]));
  const was = new Map(beforeDocs.map((doc) => [doc.arn, doc]));
  const accountsNow = new Map<string, AccountRecord>(accountsAfter.map((account) => [account.id, account]));
  const changes: ConfigChange[] = [];
  for (const [arn, before] of was) {
    const after = now.get(arn);
    if (after !== undefined) {
      changes.push(...bucketChanges(before, after));
      continue;
    }
    const base = { accountId: before.account.id, bucket: before.name, bucketArn: arn, ruleId: null, field: null };
    const account = accountsNow.get(before.account.id);
    // An account that is still there but was not read now cannot say its buckets are gone.
    if (account !== undefined && account.scan !== "scanned") {
      changes.push({ ...base, change: "bucket-unread", before: "scanned", after: `account ${account.id} ${account.scan}${account.errors[0] ? `: ${account.errors[0].operation} ${account.errors[0].code}` : ` (${account.scope})`}` });
    } else {
      changes.push({ ...base, change: "bucket-removed", before: before.region, after: null });
    }
  }
  const before = new Map<string, AccountRecord>(accountsBefore.map((account) => [account.id, account]));
  for (const [arn, after] of now) {
    if (was.has(arn)) continue;
    // Its account was not read in the baseline: the bucket may be old, only newly seen.
    const unreadBefore = before.get(after.account.id)?.scan !== undefined && before.get(after.account.id)?.scan !== "scanned";
    changes.push({ change: unreadBefore ? "bucket-read-again" : "bucket-added", accountId: after.account.id, bucket: after.name, bucketArn: arn, ruleId: null, field: null, before: null, after: after.region });
  }
  return changes;
}
