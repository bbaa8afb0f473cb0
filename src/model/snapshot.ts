/**
 * The JSON snapshot: everything one audit saw and concluded. Input to `replguard report` (re-render
 * without rescanning) and to drift. Schema: `schemas/snapshot.schema.json`.
 */
import type { BucketDocument, BucketError, FactPlan } from "./bucket-document.js";
import type { ActiveSuppression, ExpiredSuppression, PolicyResult, Severity } from "./results.js";

/**
 * 2.x: NDJSON records (docs/snapshot.md): a header, the accounts, each bucket document followed by
 * its results, and a trailer with counts. 1.x (one JSON document) is still read.
 */
export const SNAPSHOT_SCHEMA_VERSION = "2.1.0" as const;

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
  /** The format the file was written in: `2.x` (records) or `1.x` (one JSON document), both read. */
  schemaVersion: string;
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

/** What a snapshot file says before its records: everything known when the scan itself has finished. */
export type SnapshotHeader = Pick<Snapshot, "kind" | "schemaVersion" | "bucketDocumentSchemaVersion" | "tool" | "scan" | "configHash" | "failOn" | "policies">;

/** What is known only once every bucket is evaluated; `counts` let a reader tell a whole file from a cut one. */
export interface SnapshotTrailer {
  coverage: Coverage;
  activeSuppressions?: ActiveSuppression[];
  expiredSuppressions: ExpiredSuppression[];
  /** `failures` (results with status fail): the trend of failures reads it from the last line alone; absent before 2.1. */
  counts: { accounts: number; buckets: number; results: number; failures?: number };
}

/**
 * One line of a 2.x snapshot file. Order: `header`, every `account`, then each `bucket` followed by
 * its `result`s (buckets sorted by account id, then name), then `trailer`. Results whose bucket
 * document is absent (a hand-made or merged snapshot) follow the last bucket.
 */
export type SnapshotRecord =
  | ({ record: "header" } & SnapshotHeader)
  | { record: "account"; account: AccountRecord }
  | { record: "bucket"; bucket: BucketDocument }
  | { record: "result"; result: PolicyResult }
  | ({ record: "trailer" } & SnapshotTrailer);

/**
 * The order buckets are written in: by account id, then name, by code unit (not locale), so the
 * scanner, the writer and drift's merge of two snapshots agree on it.
 */
export const bucketOrder = (a: Pick<BucketDocument, "account" | "name">, b: Pick<BucketDocument, "account" | "name">): number =>
  a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
