/**
 * Declared (Terraform) → live (a snapshot), per bucket and field, in meaning not form: both sides
 * are first normalised to one shape (normalise.ts). What could not be compared is said, never
 * taken as "no drift": a fact the scan did not read is `not-read`, a value a plan only knows after
 * apply is `unknown-until-apply`.
 */
import { FACTS, type BucketDocument, type FactName, type Snapshot } from "../../model/index.js";
import { ruleFromLive } from "./normalise.js";
import {
  TERRAFORM_DRIFTED_KINDS,
  TERRAFORM_DRIFT_KINDS,
  TERRAFORM_DRIFT_SCHEMA_VERSION,
  type ComparableRule,
  type Declared,
  type DeclaredBucket,
  type DeclaredObjectLock,
  type DeclaredReplication,
  type DeclaredVersioning,
  type TerraformDeclaration,
  type TerraformDrift,
  type TerraformDriftItem,
  type TerraformDriftKind,
} from "../../model/terraform-drift.js";

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` (tags) compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
const show = (value: unknown): string => (value === null || value === undefined ? "none" : typeof value === "string" ? value : canonical(value));

/** Why a live fact cannot be compared, or null when it was read. */
function notRead(doc: BucketDocument, fact: FactName): string | null {
  const call = FACTS[fact].call;
  const failed = doc.errors.find((e) => e.operation === call);
  if (failed !== undefined) return `${call} failed (${failed.code})`;
  if (!doc.collected.includes(fact)) return `the scan did not read it (${call}: no loaded policy needed it for this bucket)`;
  return null;
}

/** Where a scan could have missed a bucket, or null when it covered every account and region. */
function coverageGap(snapshot: Snapshot): string | null {
  const { scan } = snapshot;
  if (scan.mode !== "organization") return "the scan covered only the caller's account (--single-account)";
  if (scan.regions !== null) return `the scan covered only the regions ${scan.regions.join(", ")}`;
  if (scan.filters.accounts.length > 0 || scan.filters.excludeAccounts.length > 0 || scan.filters.ous.length > 0) return "the scan was limited by account or OU filters";
  const unread = snapshot.accounts.filter((a) => a.scan !== "scanned");
  if (unread.length > 0) return `the scan did not read ${unread.length === 1 ? "account" : "accounts"} ${unread.map((a) => a.id).join(", ")}`;
  return null;
}

type Emit = (item: Omit<TerraformDriftItem, "accountId"> & { accountId?: string | null }) => void;

function compareVersioning(d: Declared<DeclaredVersioning>, doc: BucketDocument, emit: Emit): void {
  const live = doc.versioning;
  const where = d.source.address;
  if (live === null) {
    emit({ kind: "not-read", bucket: doc.name, field: "versioning", declared: d.value, live: null, address: where, message: `${doc.name}: versioning cannot be compared: ${notRead(doc, "versioning") ?? "not read"}` });
    return;
  }
  const { status, mfaDelete } = d.value;
  const matches = status === "NotEnabled" ? live.status !== "Enabled" : status === live.status;
  if (!matches) {
    const declaredText = status === "NotEnabled" ? "not Enabled (Suspended or never enabled)" : status;
    emit({ kind: "changed", bucket: doc.name, field: "versioning.status", declared: status, live: live.status, address: where, message: `${doc.name}: versioning is declared ${declaredText}, live ${live.status}` });
  }
  if (mfaDelete !== null && mfaDelete !== live.mfaDelete) {
    emit({ kind: "changed", bucket: doc.name, field: "versioning.mfaDelete", declared: mfaDelete, live: live.mfaDelete, address: where, message: `${doc.name}: MFA delete is declared ${mfaDelete}, live ${live.mfaDelete}` });
  }
}

function compareObjectLock(d: Declared<DeclaredObjectLock>, doc: BucketDocument, emit: Emit): void {
  const where = d.source.address;
  const reason = notRead(doc, "objectLock");
  if (reason !== null) {
    emit({ kind: "not-read", bucket: doc.name, field: "objectLock", declared: d.value, live: null, address: where, message: `${doc.name}: Object Lock cannot be compared: ${reason}` });
    return;
  }
  const live = doc.objectLock;
  const liveEnabled = live?.enabled ?? false;
  if (d.value.enabled !== liveEnabled) {
    emit({ kind: "changed", bucket: doc.name, field: "objectLock.enabled", declared: d.value.enabled, live: liveEnabled, address: where, message: `${doc.name}: Object Lock is declared ${d.value.enabled ? "enabled" : "disabled"}, live ${liveEnabled ? "enabled" : "disabled"}` });
    return;
  }
  if (d.value.retention === undefined || !liveEnabled) return;
  const liveRetention = live?.mode === null || live === null ? null : { mode: live.mode, days: live.days, years: live.years };
  if (!same(d.value.retention, liveRetention)) {
    emit({ kind: "changed", bucket: doc.name, field: "objectLock.defaultRetention", declared: d.value.retention, live: liveRetention, address: where, message: `${doc.name}: Object Lock default retention is declared ${retentionText(d.value.retention)}, live ${retentionText(liveRetention)}` });
  }
}

const retentionText = (r: { mode: string | null; days: number | null; years: number | null } | null): string =>
  r === null ? "none" : `${r.mode ?? "no mode"} ${r.days !== null ? `${r.days} days` : r.years !== null ? `${r.years} years` : "no period"}`;

/** Declared rules paired with live ones: by ID first, then the rest by priority (then order), so reordering is no change. */
export function matchRules(declared: readonly ComparableRule[], live: readonly ComparableRule[]): { pairs: [ComparableRule, ComparableRule][]; missing: ComparableRule[]; extra: ComparableRule[] } {
  const liveLeft = [...live];
  const pairs: [ComparableRule, ComparableRule][] = [];
  const declaredLeft: ComparableRule[] = [];
  for (const rule of declared) {
    const i = rule.id === null ? -1 : liveLeft.findIndex((l) => l.id === rule.id);
    if (i >= 0) pairs.push([rule, liveLeft.splice(i, 1)[0]!]);
    else declaredLeft.push(rule);
  }
  const missing: ComparableRule[] = [];
  for (const rule of declaredLeft) {
    // A declared id matches only its own rule (or, once that is gone, one S3 named itself).
    const i = liveLeft.findIndex((l) => l.priority === rule.priority && (rule.id === null || !declared.some((d) => d.id === l.id)));
    if (i >= 0) pairs.push([rule, liveLeft.splice(i, 1)[0]!]);
    else missing.push(rule);
  }
  return { pairs, missing, extra: liveLeft };
}

/** The compared fields of a rule, each as [name, value, how to say it]. */
function ruleFields(rule: ComparableRule): [string, unknown][] {
  const d = rule.destination;
  return [
    ["status", rule.enabled ? "Enabled" : "Disabled"],
    ["priority", rule.priority],
    ["prefix", rule.prefix],
    ["tags", rule.tags],
    ["deleteMarkerReplication", rule.deleteMarkerReplication],
    ["existingObjectReplication", rule.existingObjectReplication],
    ["replicaModifications", rule.replicaModifications],
    ["sseKmsEncryptedObjects", rule.sseKmsEncryptedObjects],
    ["destination.bucket", d.bucket],
    ["destination.account", d.account],
    ["destination.storageClass", d.storageClass],
    ["destination.ownerOverride", d.ownerOverride],
    ["destination.replicaKmsKeyId", d.replicaKmsKeyId],
    ["destination.replicationTime", d.replicationTime],
    ["destination.metrics", d.metrics],
  ];
}

const ruleName = (rule: ComparableRule): string => rule.id ?? `priority ${rule.priority}`;

function compareReplication(d: Declared<DeclaredReplication>, doc: BucketDocument, emit: Emit): void {
  const where = d.source.address;
  const reason = notRead(doc, "replication");
  if (reason !== null || doc.replication === null) {
    emit({ kind: "not-read", bucket: doc.name, field: "replication", declared: d.value, live: null, address: where, message: `${doc.name}: replication cannot be compared: ${reason ?? "not read"}` });
    return;
  }
  const live = doc.replication;
  if (!live.configured) {
    if (d.value.rules.length === 0) return;
    const ids = d.value.rules.map(ruleName);
    emit({ kind: "changed", bucket: doc.name, field: "replication", declared: { role: d.value.role, rules: ids }, live: null, address: where, message: `${doc.name}: replication is declared (rules ${ids.join(", ")}), but none is configured in AWS` });
    return;
  }
  if (d.value.role !== null && d.value.role !== live.role) {
    emit({ kind: "changed", bucket: doc.name, field: "replication.role", declared: d.value.role, live: live.role, address: where, message: `${doc.name}: the replication role is declared ${d.value.role}, live ${show(live.role)}` });
  }
  const { pairs, missing, extra } = matchRules(d.value.rules, live.rules.map(ruleFromLive));
  for (const [declared, actual] of pairs) {
    const name = ruleName(declared);
    if (declared.id !== null && declared.id !== actual.id) {
      emit({ kind: "changed", bucket: doc.name, field: `replication.rules[${name}].id`, declared: declared.id, live: actual.id, address: where, message: `${doc.name}: rule \`${name}\` is named \`${actual.id ?? ""}\` in AWS` });
    }
    const liveFields = new Map(ruleFields(actual));
    for (const [field, value] of ruleFields(declared)) {
      const liveValue = liveFields.get(field);
      if (same(value, liveValue)) continue;
      emit({ kind: "changed", bucket: doc.name, field: `replication.rules[${name}].${field}`, declared: value, live: liveValue, address: where, message: `${doc.name}: rule \`${name}\` ${field} is declared ${show(value)}, live ${show(liveValue)}` });
    }
  }
  for (const rule of missing) {
    const name = ruleName(rule);
    emit({ kind: "rule-missing", bucket: doc.name, field: `replication.rules[${name}]`, declared: rule, live: null, address: where, message: `${doc.name}: declared rule \`${name}\` (to ${rule.destination.bucket}) is not in AWS` });
  }
  for (const rule of extra) {
    const name = ruleName(rule);
    emit({ kind: "rule-undeclared", bucket: doc.name, field: `replication.rules[${name}]`, declared: null, live: rule, address: where, message: `${doc.name}: rule \`${name}\` (to ${rule.destination.bucket}) is in AWS but not declared` });
  }
}

const FACT_LABELS = { versioning: "versioning", objectLock: "Object Lock", replication: "replication" } as const;

function compareBucket(declared: DeclaredBucket, doc: BucketDocument, emit: Emit): void {
  const facts = [
    ["versioning", declared.versioning, compareVersioning],
    ["objectLock", declared.objectLock, compareObjectLock],
    ["replication", declared.replication, compareReplication],
  ] as const;
  for (const [fact, value, compare] of facts) {
    if (value === undefined) continue;
    if (value.source.unknown.length > 0) {
      emit({
        kind: "unknown-until-apply",
        bucket: doc.name,
        field: fact,
        declared: value.source.unknown,
        live: null,
        address: value.source.address,
        message: `${doc.name}: ${FACT_LABELS[fact]} is known only after apply (${value.source.unknown.join(", ")} in ${value.source.address})`,
      });
      continue;
    }
    (compare as (d: typeof value, doc: BucketDocument, emit: Emit) => void)(value, doc, emit);
  }
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Where the live buckets differ from what the Terraform file declares. Deterministic order. */
export function compareWithTerraform(declaration: TerraformDeclaration, snapshot: Snapshot): TerraformDrift {
  const items: TerraformDriftItem[] = [];
  const live = new Map(snapshot.buckets.map((b) => [b.name, b]));
  const emitFor =
    (accountId: string | null): Emit =>
    (item) =>
      items.push({ ...item, accountId: item.accountId ?? accountId });
  const gap = coverageGap(snapshot);

  for (const declared of declaration.buckets) {
    const doc = live.get(declared.bucket);
    if (doc !== undefined) {
      compareBucket(declared, doc, emitFor(doc.account.id));
      continue;
    }
    const address = declared.createdBy ?? declared.addresses[0] ?? null;
    const emit = emitFor(null);
    if (declared.createdBy !== null) {
      emit({ kind: "unknown-until-apply", bucket: declared.bucket, field: "", declared: declared.addresses, live: null, address, message: `${declared.bucket}: the plan creates this bucket (${declared.createdBy}); nothing to compare until apply` });
    } else if (gap !== null) {
      emit({ kind: "not-read", bucket: declared.bucket, field: "", declared: declared.addresses, live: null, address, message: `${declared.bucket}: declared but not in the scan, and ${gap}, so whether it exists is unknown` });
    } else {
      emit({ kind: "bucket-missing", bucket: declared.bucket, field: "", declared: declared.addresses, live: null, address, message: `${declared.bucket}: declared (${declared.addresses.join(", ")}) but missing from every scanned account` });
    }
  }

  for (const resource of declaration.unplaced) {
    items.push({ kind: "unknown-until-apply", bucket: "", accountId: null, field: "bucket", declared: resource.type, live: null, address: resource.address, message: `${resource.address}: its bucket is known only after apply` });
  }

  const declaresReplication = new Set(declaration.buckets.filter((b) => b.replication !== undefined).map((b) => b.bucket));
  for (const doc of snapshot.buckets) {
    if (declaresReplication.has(doc.name)) continue;
    const emit = emitFor(doc.account.id);
    const reason = notRead(doc, "replication");
    if (reason !== null || doc.replication === null) {
      emit({ kind: "not-read", bucket: doc.name, field: "replication", declared: null, live: null, address: null, message: `${doc.name}: whether it replicates without a declaration is unknown: ${reason ?? "not read"}` });
    } else if (doc.replication.configured) {
      const ids = doc.replication.rules.map((r) => r.id);
      emit({ kind: "replication-undeclared", bucket: doc.name, field: "replication", declared: null, live: { role: doc.replication.role, rules: ids }, address: null, message: `${doc.name}: replicates in AWS (rules ${ids.join(", ")}), but no Terraform resource declares its replication` });
    }
  }
  for (const account of snapshot.accounts) {
    if (account.scope !== "in-scope" || account.scan === "scanned") continue;
    items.push({ kind: "not-read", bucket: "", accountId: account.id, field: "account", declared: null, live: null, address: null, message: `account ${account.id} (${account.name}) was not read: its buckets cannot be compared` });
  }

  items.sort((a, b) => compareText(a.bucket, b.bucket) || compareText(a.field, b.field) || compareText(a.kind, b.kind) || compareText(a.accountId ?? "", b.accountId ?? "") || compareText(a.address ?? "", b.address ?? ""));
  const counts = Object.fromEntries(TERRAFORM_DRIFT_KINDS.map((k) => [k, 0])) as Record<TerraformDriftKind, number>;
  for (const item of items) counts[item.kind] += 1;
  return {
    kind: "replguard-terraform-drift",
    schemaVersion: TERRAFORM_DRIFT_SCHEMA_VERSION,
    terraform: { file: declaration.file, kind: declaration.kind, formatVersion: declaration.formatVersion, terraformVersion: declaration.terraformVersion },
    snapshot: { startedAt: snapshot.scan.startedAt, finishedAt: snapshot.scan.finishedAt, complete: snapshot.coverage.complete },
    counts,
    drifted: items.some((i) => TERRAFORM_DRIFTED_KINDS.includes(i.kind)),
    items,
  };
}
