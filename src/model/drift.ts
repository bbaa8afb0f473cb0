/**
 * Drift between two snapshots (a baseline and the current scan): plain data between `drift` and
 * `report`. Schema: `schemas/drift.schema.json`; what is compared and why: `docs/drift.md`.
 */
import type { ResultStatus, Severity } from "./results.js";

export const DRIFT_SCHEMA_VERSION = "1.0.0" as const;

/** Which scan a side of the drift is: enough to name it in a report. */
export interface DriftSide {
  startedAt: string;
  finishedAt: string;
  organizationId: string | null;
  callerAccountId: string;
  toolVersion: string;
}

/**
 * One configuration change on one bucket:
 * - `bucket-added` / `bucket-removed`: the bucket is listed on one side only (its account was read on both);
 * - `bucket-unread`: the bucket was read before, and its account could not be read now (role lost,
 *   suspended, excluded): unknown, not removed; `bucket-read-again` is the reverse (its account was not read in the baseline);
 * - `rule-added` / `rule-removed`: a replication rule on one side only (`before`/`after` hold the rule);
 * - `changed`: one field (`field`, a dotted path; for a rule, relative to the rule) from `before` to `after`.
 */
export type ConfigChangeKind = "bucket-added" | "bucket-removed" | "bucket-unread" | "bucket-read-again" | "rule-added" | "rule-removed" | "changed";

export interface ConfigChange {
  change: ConfigChangeKind;
  accountId: string;
  bucket: string;
  bucketArn: string;
  /** The rule's ID (or `priority N` for a rule without one); null for a bucket-level change. */
  ruleId: string | null;
  /** Dotted path of the changed field, e.g. `versioning.status`, `destination.bucket`; null for an added/removed bucket or rule. */
  field: string | null;
  before: unknown;
  after: unknown;
}

/**
 * What happened to one (policy, bucket) result:
 * - `new`: fails now; passed, did not apply, was suppressed, errored or was absent before;
 * - `fixed`: failed before; passes, does not apply, or is suppressed now;
 * - `unchanged`: failed before and fails now;
 * - `absent`: failed (or errored) before; the bucket, its account or the policy is gone now;
 * - `error`: cannot be decided now (an `error` result, or the bucket's account could not be read), and could before;
 * - `recovered`: was `error` before, and is decided (not failing) now.
 */
export const COMPLIANCE_STATES = ["new", "fixed", "unchanged", "absent", "error", "recovered"] as const;
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

export interface ComplianceChange {
  state: ComplianceState;
  policyId: string;
  /** The policy's content differs between the snapshots (see `policies`): the change may be the policy's, not AWS's. */
  policyChanged: boolean;
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  severity: Severity;
  /** Status in the baseline, or null when there was no result. */
  before: ResultStatus | null;
  /** Status now, or null when there is no result. */
  after: ResultStatus | null;
  /** The current result's sentence, else the baseline's. */
  message: string;
}

export type ScopeChangeKind =
  | "account-joined"
  | "account-left"
  | "role-lost"
  | "role-regained"
  | "suspended"
  | "reactivated"
  | "ou-moved"
  | "scope-changed";

export interface ScopeChange {
  change: ScopeChangeKind;
  accountId: string;
  accountName: string;
  before: string | null;
  after: string | null;
}

/** A policy whose file differs between the snapshots (content hash), or that ran on one side only. */
export interface PolicyChange {
  change: "added" | "removed" | "changed";
  policyId: string;
  beforeHash: string | null;
  afterHash: string | null;
}

export interface DriftSummary {
  newFailures: number;
  fixed: number;
  unchangedFailures: number;
  absent: number;
  intoError: number;
  recovered: number;
  configChanges: number;
  scopeChanges: number;
  policyChanges: number;
}

export interface Drift {
  kind: "replguard-drift";
  schemaVersion: typeof DRIFT_SCHEMA_VERSION;
  baseline: DriftSide;
  current: DriftSide;
  summary: DriftSummary;
  configuration: ConfigChange[];
  compliance: ComplianceChange[];
  scope: ScopeChange[];
  policies: PolicyChange[];
}

/** When `--fail-on-drift` makes the exit code 5. */
export const FAIL_ON_DRIFT = ["new-failures", "any-change"] as const;
export type FailOnDrift = (typeof FAIL_ON_DRIFT)[number];
