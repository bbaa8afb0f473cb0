/**
 * The JSON snapshot: everything one audit saw and concluded. Input to `replguard report` (re-render
 * without rescanning) and to drift. Schema: `schemas/snapshot.schema.json`.
 */
import type { BucketDocument, BucketError, FactPlan } from "./bucket-document.js";
import type { ActiveSuppression, ExpiredSuppression, PolicyResult, Severity } from "./results.js";

export const SNAPSHOT_SCHEMA_VERSION = "1.0.0" as const;

export type AccountScope = "in-scope" | "excluded" | "suspended";
export type AccountScanStatus = "scanned" | "failed" | "not-scanned";

export interface AccountRecord {
  id: string;
  name: string;
  email: string | null;
  /** Organizations status: ACTIVE, SUSPENDED, PENDING_CLOSURE. */
  status: string;
  ouPath: string;
  tags: Record<string, string>;
  /** Why the account is or is not in scope (filters, suspended). */
  scope: AccountScope;
  /** For an excluded account: which filter excluded it, in words. */
  scopeReason: string | null;
  scan: AccountScanStatus;
  /** How the account was read: through the audit role, or the caller's own credentials. */
  access: "assumed-role" | "caller" | null;
  bucketCount: number;
  /** Account-level failures (AssumeRole, ListBuckets). */
  errors: BucketError[];
}

export interface Coverage {
  accounts: { total: number; inScope: number; scanned: number; failed: number; outOfScope: number };
  /** `partial`: listed, but at least one configuration call failed. */
  buckets: { inScope: number; scanned: number; partial: number };
  /** True when every in-scope account and bucket was read completely (exit code 3 otherwise). */
  complete: boolean;
}

export interface PolicyRef {
  id: string;
  title: string;
  severity: Severity;
  /** sha256 of the policy file's canonical JSON, so a snapshot names the exact policy it ran. */
  hash: string;
  /** `builtin` or the path it was loaded from. */
  source: string;
}

export interface ScanInfo {
  startedAt: string;
  finishedAt: string;
  mode: "organization" | "single-account";
  /** Endpoint override (sandbox or other), or null for AWS itself. */
  endpoint: string | null;
  callerAccountId: string;
  organizationId: string | null;
  managementAccountId: string | null;
  roleName: string;
  /** Regions filter, or null for every region. */
  regions: string[] | null;
  filters: { accounts: string[]; excludeAccounts: string[]; ous: string[] };
  /** AWS calls and their retries (throttling, 5xx): absent in snapshots written before it existed. */
  retries?: RetryCounts;
  /** One shard of a sharded run (`--shard`, docs/scale.md); absent for a whole run or a merged one. */
  shard?: ShardInfo;
}

export interface RetryCounts {
  /** Calls made, each counted once whatever its attempts. */
  calls: number;
  /** Calls that took more than one attempt. */
  retriedCalls: number;
  /** Attempts beyond the first, summed over all calls. */
  extraAttempts: number;
}

export interface ShardInfo {
  index: number;
  count: number;
  /** The fact plan read (merge trims destination-only facts off buckets that are no destination). */
  factPlan: FactPlan;
  /** Buckets listed outside --regions by this shard: name → owner. */
  outOfScopeBuckets: Record<string, string>;
  /** Destination buckets outside this shard's inventory, left `unknown` until `replguard merge`. */
  pendingDestinations: string[];
}

export interface Snapshot {
  kind: "replguard-snapshot";
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  bucketDocumentSchemaVersion: string;
  tool: { name: "replguard"; version: string };
  scan: ScanInfo;
  /** sha256 of the effective configuration (flags + config file), canonical JSON. */
  configHash: string;
  failOn: Severity;
  policies: PolicyRef[];
  coverage: Coverage;
  accounts: AccountRecord[];
  buckets: BucketDocument[];
  results: PolicyResult[];
  /**
   * Suppressions in force, permanent ones included, with the findings each hid: listed in every
   * report so an exception stays visible. Absent in snapshots written before it existed.
   */
  activeSuppressions?: ActiveSuppression[];
  expiredSuppressions: ExpiredSuppression[];
}
