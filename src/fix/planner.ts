/**
 * The planner: failing results whose policy names a fix → the ordered AWS changes that make them
 * pass, per account and bucket. It never calls AWS (a plan can be made from a saved snapshot);
 * `refreshFromLive` (live.ts) swaps in the live configurations when AWS is at hand.
 * A fix never drops or weakens anything: replication changes are edits of the existing rules.
 */
import type { RemediationSettings } from "../config/index.js";
import { currentDocument, type BucketDocument, type ReplicationRule, type Snapshot } from "../model/index.js";
import { Drafts, draftKey } from "./drafts.js";
import { planConfigureReplication } from "./plan-replication.js";
import { sdkConfiguration, sdkRule, nextPriority, uniqueRuleId } from "./rules.js";
import { replicaKmsKey } from "./settings.js";
import { FIX_NAMES, FIX_PLAN_SCHEMA_VERSION, type FixName, type FixPlan, type ManualFix, type TargetResult } from "./types.js";

export interface PlanInput {
  snapshot: Pick<Snapshot, "buckets" | "results" | "accounts" | "scan">;
  /** Policy id → the fix its file names (`remediation.fix`). */
  fixes: ReadonlyMap<string, string>;
  remediation?: RemediationSettings;
  now?: Date;
}

/** What a fix handler sees. */
export interface FixContext {
  doc: BucketDocument;
  policyId: string;
  drafts: Drafts;
  input: PlanInput;
  docs: ReadonlyMap<string, BucketDocument>;
  manual: (reason: string) => void;
}

const isFixName = (name: string): name is FixName => (FIX_NAMES as readonly string[]).includes(name);
const enabledRules = (doc: BucketDocument): ReplicationRule[] => doc.replication?.rules.filter((r) => r.enabled) ?? [];
const reasonFor = (ctx: FixContext, bucket: string): string => (bucket === ctx.doc.name ? ctx.policyId : `${ctx.policyId} (${ctx.doc.name})`);

/** The fix of `existing-objects-replicated`: an S3 Batch Replication job (`--replicate-existing`), not a plan step. */
export const REPLICATE_EXISTING_FIX = "replicate-existing-objects";

export function buildPlan(stored: PlanInput): FixPlan {
  // A snapshot of an older replguard (1.x documents) is planned from in the current shape.
  const input: PlanInput = { ...stored, snapshot: { ...stored.snapshot, buckets: stored.snapshot.buckets.map(currentDocument) } };
  const drafts = new Drafts();
  const manual: ManualFix[] = [];
  const targets: TargetResult[] = [];
  const docs = new Map(input.snapshot.buckets.map((d) => [d.arn, d]));
  for (const result of input.snapshot.results) {
    if (result.status !== "fail") continue;
    const doc = docs.get(result.bucketArn);
    const fix = input.fixes.get(result.policyId) ?? "manual";
    const add = (reason: string) => manual.push({ accountId: result.accountId, bucket: result.bucket, policyId: result.policyId, reason });
    if (!isFixName(fix)) {
      add(
        fix === "manual"
          ? `policy ${result.policyId} has no automated fix`
          : fix === REPLICATE_EXISTING_FIX
            ? "objects that already exist are copied by a job, not by a configuration change: run with --replicate-existing (S3 Batch Replication, docs/batch-replication.md)"
            : `policy ${result.policyId} names fix "${fix}", which replguard does not know`,
      );
      continue;
    }
    if (doc === undefined) {
      add("the bucket is not in the snapshot");
      continue;
    }
    const before = manual.length;
    HANDLERS[fix]({ doc, policyId: result.policyId, drafts, input, docs: docsByName(input), manual: add });
    if (manual.length === before) targets.push({ accountId: result.accountId, bucket: result.bucket, bucketArn: result.bucketArn, policyId: result.policyId, fix });
  }
  return {
    kind: "replguard-fix-plan",
    schemaVersion: FIX_PLAN_SCHEMA_VERSION,
    createdAt: (input.now ?? new Date()).toISOString(),
    scannedAt: input.snapshot.scan.finishedAt,
    mode: input.snapshot.scan.mode,
    accounts: drafts.finish("snapshot"),
    targets,
    manual,
  };
}

const byName = new WeakMap<object, Map<string, BucketDocument>>();
/** Buckets by name (names are global in S3). */
export function docsByName(input: PlanInput): Map<string, BucketDocument> {
  let map = byName.get(input.snapshot);
  if (map === undefined) {
    map = new Map(input.snapshot.buckets.map((d) => [d.name, d]));
    byName.set(input.snapshot, map);
  }
  return map;
}

/** The replication draft of the context's bucket, starting from its configuration as the snapshot shows it. */
function replicationDraft(ctx: FixContext) {
  const draft = ctx.drafts.get(ctx.doc.account.id, ctx.doc.name, ctx.doc.region);
  const before = draft.replication?.before ?? sdkConfiguration(ctx.doc.replication!);
  return { draft, before };
}

/** Versioning of a rule's destination, planned on the destination bucket when it is one replguard scanned. */
function destinationVersioning(ctx: FixContext, rule: ReplicationRule): string | null {
  const d = rule.destination;
  if (d.versioning === "Enabled") return null;
  const dest = ctx.docs.get(d.bucket);
  if (d.resolution !== "resolved" || dest === undefined) return `destination ${d.bucket} is ${d.resolution.replace("-", " ")}: replguard only writes buckets it scanned`;
  const status = dest.versioning?.status;
  if (status === undefined) return `the versioning of destination ${d.bucket} could not be read`;
  ctx.drafts.versioning(dest.account.id, dest.name, dest.region, status === "Suspended" ? { Status: "Suspended" } : null, reasonFor(ctx, dest.name));
  return null;
}

type Handler = (ctx: FixContext) => void;

/** A change to every enabled (or, for enable-rule, disabled) rule that still needs it. */
function perRule(select: (rule: ReplicationRule) => boolean, change: (ctx: FixContext, rule: ReplicationRule) => Parameters<Drafts["replication"]>[2] | string): Handler {
  return (ctx) => {
    if (ctx.doc.replication === null) return ctx.manual("the replication configuration could not be read");
    const { draft, before } = replicationDraft(ctx);
    for (const rule of ctx.doc.replication.rules.filter(select)) {
      const made = change(ctx, rule);
      if (typeof made === "string") ctx.manual(`rule ${rule.id}: ${made}`);
      else ctx.drafts.replication(draft, before, made, ctx.policyId);
    }
  };
}

const v2Only = "it is a V1 rule (no Filter): rewriting it as V2 changes how S3 treats it; do it by hand";

const HANDLERS: Record<FixName, Handler> = {
  "enable-versioning": (ctx) => {
    const status = ctx.doc.versioning?.status;
    if (status === undefined) return ctx.manual("the bucket's versioning could not be read");
    if (status !== "Enabled") ctx.drafts.versioning(ctx.doc.account.id, ctx.doc.name, ctx.doc.region, status === "Suspended" ? { Status: "Suspended" } : null, ctx.policyId);
  },
  "enable-destination-versioning": (ctx) => {
    for (const rule of enabledRules(ctx.doc)) {
      const problem = destinationVersioning(ctx, rule);
      if (problem !== null) ctx.manual(`rule ${rule.id}: ${problem}`);
    }
  },
  "configure-replication": (ctx) => planConfigureReplication(ctx),
  "enable-replication-rules": perRule(
    (r) => !r.enabled,
    (ctx, rule) => {
      // S3 refuses a rule whose destination is unversioned: version it first, in the same plan.
      const problem = destinationVersioning(ctx, rule);
      if (problem !== null) return problem;
      const draft = ctx.drafts.get(ctx.doc.account.id, ctx.doc.name, ctx.doc.region);
      const dest = ctx.docs.get(rule.destination.bucket);
      if (dest) draft.needs.add(draftKey(dest.account.id, dest.name));
      return { kind: "enable-rule", ruleId: rule.id };
    },
  ),
  "enable-owner-override": perRule(
    (r) => r.enabled && r.destination.crossAccount === true && !r.destination.ownerOverride,
    (_ctx, rule) => (rule.destination.account === null ? "the destination's owner is not verified" : { kind: "owner-override", ruleId: rule.id, account: rule.destination.account }),
  ),
  "disable-delete-marker-replication": perRule(
    (r) => r.enabled && r.deleteMarkerReplication,
    (_ctx, rule) => (rule.priority === null ? v2Only : { kind: "disable-delete-markers", ruleId: rule.id }),
  ),
  "enable-replication-time-control": perRule(
    (r) => r.enabled && !r.destination.replicationTime.enabled,
    (_ctx, rule) => (rule.priority === null ? v2Only : { kind: "replication-time", ruleId: rule.id, minutes: 15 }),
  ),
  "set-replica-kms-key": perRule(
    (r) => r.enabled && r.destination.resolution !== "missing" && (!r.sseKmsEncryptedObjects || r.destination.replicaKmsKeyId === null),
    (ctx, rule) => {
      const d = rule.destination;
      if (d.account === null || d.region === null) return "the destination's account or Region is not known";
      const keyId = replicaKmsKey(ctx.doc, ctx.input.remediation, d.account, d.region);
      return keyId === null ? "no replica KMS key is configured (remediation.replicaKmsKeyId)" : { kind: "replica-kms-key", ruleId: rule.id, keyId: d.replicaKmsKeyId ?? keyId };
    },
  ),
  "cover-all-objects": (ctx) => {
    if (ctx.doc.replication === null) return ctx.manual("the replication configuration could not be read");
    // A new whole-bucket rule to the destination of the highest-priority enabled rule; the filtered rules stay.
    const model = [...ctx.doc.replication.rules].filter((r) => r.priority !== null).sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))[0];
    if (model === undefined) return ctx.manual("no V2 rule to take the destination from");
    const { draft, before } = replicationDraft(ctx);
    const rules = (draft.replication ? draft.replication.before : before)?.Rules ?? [];
    const template = sdkRule(model);
    // In an SSE-KMS bucket the new rule replicates SSE-KMS objects too, or it would fail kms-replica-encryption.
    const d = model.destination;
    const kmsKey =
      d.replicaKmsKeyId ??
      (ctx.doc.encryption?.algorithm.startsWith("aws:kms") === true && d.account !== null && d.region !== null ? replicaKmsKey(ctx.doc, ctx.input.remediation, d.account, d.region) : null);
    const sse = kmsKey === null ? template.SourceSelectionCriteria : { ...template.SourceSelectionCriteria, SseKmsEncryptedObjects: { Status: "Enabled" as const } };
    ctx.drafts.replication(draft, before, {
      kind: "add-rule",
      rule: {
        ID: uniqueRuleId(rules, "replguard-all-objects"),
        Priority: nextPriority(rules),
        Status: "Enabled",
        Filter: { Prefix: "" },
        DeleteMarkerReplication: { Status: "Disabled" },
        Destination: kmsKey === null ? template.Destination : { ...template.Destination, Bucket: d.bucketArn, EncryptionConfiguration: { ReplicaKmsKeyID: kmsKey } },
        ...(sse ? { SourceSelectionCriteria: sse } : {}),
      },
    }, ctx.policyId);
    const dest = ctx.docs.get(model.destination.bucket);
    if (dest) draft.needs.add(draftKey(dest.account.id, dest.name));
  },
  "enable-destination-object-lock": (ctx) => {
    const rule = enabledRules(ctx.doc).find((r) => r.destination.resolution !== "missing");
    if (rule === undefined) return ctx.manual("no enabled rule with an existing destination");
    const problem = destinationVersioning(ctx, rule);
    if (problem !== null) return ctx.manual(`rule ${rule.id}: ${problem}`);
    const dest = ctx.docs.get(rule.destination.bucket)!;
    const draft = ctx.drafts.get(dest.account.id, dest.name, dest.region);
    draft.objectLock ??= { before: null, reason: [] };
    const reason = reasonFor(ctx, dest.name);
    if (!draft.objectLock.reason.includes(reason)) draft.objectLock.reason.push(reason);
  },
};
