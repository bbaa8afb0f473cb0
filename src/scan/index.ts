/**
 * The scanner: discover the accounts in scope, read every bucket's facts, resolve every
 * replication destination, and count what was and was not read.
 */
import pLimit from "p-limit";
import {
  AwsClientFactory,
  callerCredentials,
  createRequestLimiter,
  defaultRegion,
  effectiveEndpoint,
  getCallerIdentity,
  type CredentialsInput,
  type RetryStrategy,
} from "../aws/index.js";
import { UsageError } from "../errors.js";
import type { AccountRecord, AccountRef, BucketDocument, Coverage, FactName, FactPlan, ScanInfo } from "../model/index.js";
import { FACT_NAMES } from "../model/index.js";
import { discoverOrganization, scopeAccounts, type Organization } from "../org/index.js";
import { scanAccount } from "./account.js";
import { ProgressTracker, type AccountSession, type ScanContext, type ScanProgress } from "./context.js";
import { computeCoverage } from "./coverage.js";
import { collectAccessFacts } from "./iam-facts.js";
import { resolveDestinations } from "./resolve.js";

export type { ScanProgress } from "./context.js";
export { computeCoverage } from "./coverage.js";

export interface ScanOptions {
  /** Caller credentials; default: the standard chain (env, --profile, SSO, instance/task roles). */
  credentials?: CredentialsInput;
  profile?: string;
  /** Endpoint override for every client (sandbox); default: the SDK's own handling of AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Home region for STS, Organizations and ListBuckets; default AWS_REGION / AWS_DEFAULT_REGION / us-east-1. */
  region?: string;
  /** Audit role assumed in every account; default OrganizationAccountAccessRole. */
  roleName?: string;
  externalId?: string;
  /** Scan only the caller's account, without Organizations. */
  singleAccount?: boolean;
  accounts?: string[];
  excludeAccounts?: string[];
  /** OU paths (`Workloads/Prod`, `Root/Workloads/Prod`) or OU ids; each includes everything under it. */
  ous?: string[];
  /** Only buckets in these regions. */
  regions?: string[];
  /** Facts to read; default { all: ["versioning","replication"], destinations: ["versioning"] }. */
  facts?: FactPlan;
  /** Accounts in flight (default 8) and AWS requests in flight across all accounts (default 32). */
  concurrency?: { accounts?: number; requests?: number };
  /** Adaptive retry mode's maximum attempts per call; default 10. */
  maxAttempts?: number;
  /** The SDK's `retryStrategy` for every client, replacing adaptive mode and `maxAttempts` (tests use a quick backoff). */
  retryStrategy?: RetryStrategy;
  onProgress?: (p: ScanProgress) => void;
}

export interface ScanResult {
  scan: ScanInfo;
  accounts: AccountRecord[];
  buckets: BucketDocument[];
  coverage: Coverage;
}

export const DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole";
export const DEFAULT_FACT_PLAN: FactPlan = { all: ["versioning", "replication"], replicating: [], destinations: ["versioning"] };

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Versioning and replication are always read; unknown fact names are a usage error. */
function normalisePlan(plan: FactPlan | undefined): FactPlan {
  const known = FACT_NAMES;
  const check = (facts: FactName[]): FactName[] => {
    for (const f of facts) if (!known.includes(f)) throw new UsageError(`Unknown fact "${f}"; known: ${known.join(", ")}`);
    return known.filter((f) => facts.includes(f));
  };
  const all = check(["versioning", "replication", ...(plan?.all ?? [])]);
  const replicating = check(plan?.replicating ?? []).filter((f) => !all.includes(f));
  const destinations = check(plan?.destinations ?? DEFAULT_FACT_PLAN.destinations).filter((f) => !all.includes(f));
  return { all, replicating, destinations, ...(plan?.access === undefined || plan.access.length === 0 ? {} : { access: plan.access }) };
}

function emptyRecord(id: string, fields: Partial<AccountRecord>): AccountRecord {
  return { id, name: id, email: null, status: "ACTIVE", ouPath: "", tags: {}, scope: "in-scope", scopeReason: null, scan: "not-scanned", access: null, bucketCount: 0, errors: [], ...fields };
}

function organizationRecords(org: Organization, options: ScanOptions): AccountRecord[] {
  const scopes = scopeAccounts(org, options);
  return org.accounts.map((a) => {
    const decision = scopes.get(a.id) ?? { scope: "in-scope" as const, scopeReason: null };
    return emptyRecord(a.id, { name: a.name, email: a.email, status: a.status, ouPath: a.ouPath, tags: a.tags, ...decision, errors: [...a.errors] });
  });
}

export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const requests = positive("concurrency.requests", options.concurrency?.requests, 32);
  const accountsInFlight = positive("concurrency.accounts", options.concurrency?.accounts, 8);
  const maxAttempts = positive("maxAttempts", options.maxAttempts, 10);
  const plan = normalisePlan(options.facts);
  const region = options.region ?? defaultRegion();
  const roleName = options.roleName ?? DEFAULT_ROLE_NAME;
  const singleAccount = options.singleAccount ?? false;
  const factory = new AwsClientFactory({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.retryStrategy === undefined ? {} : { retryStrategy: options.retryStrategy }),
    region,
    maxAttempts,
    maxSockets: requests,
  });
  const request = createRequestLimiter(requests);
  const progress = new ProgressTracker(options.onProgress);
  try {
    const credentials = callerCredentials(options);
    const caller = await getCallerIdentity(factory.sts(credentials));
    progress.emit();

    let org: Organization | null = null;
    let records: AccountRecord[];
    if (singleAccount) {
      records = [emptyRecord(caller.accountId, {})];
    } else {
      org = await discoverOrganization(factory.organizations(credentials), request);
      records = organizationRecords(org, options);
    }

    const ctx: ScanContext = {
      factory,
      request,
      caller: { accountId: caller.accountId, credentials },
      homeRegion: region,
      singleAccount,
      roleName,
      externalId: options.externalId,
      regions: options.regions === undefined || options.regions.length === 0 ? null : new Set(options.regions),
      plan,
      bucketsInFlight: requests,
      outOfScopeBuckets: new Map(),
      progress,
    };
    const inScope = records.filter((r) => r.scope === "in-scope");
    progress.phase = "accounts";
    progress.accountsTotal = inScope.length;
    progress.emit();

    const sessions = new Map<string, AccountSession>();
    const documents: BucketDocument[] = [];
    const accountLimit = pLimit(accountsInFlight);
    await Promise.all(
      inScope.map((record) =>
        accountLimit(async () => {
          // One AccountRef per account, shared by its documents (identical in JSON, one object in memory).
          const ref: AccountRef = { id: record.id, name: record.name, ouPath: record.ouPath, tags: record.tags };
          const result = await scanAccount(ctx, record, ref);
          if (result.session !== null && record.scan === "scanned") sessions.set(record.id, result.session);
          for (const doc of result.documents) documents.push(doc);
          progress.accountsDone++;
          progress.emit();
        }),
      ),
    );

    progress.phase = "destinations";
    progress.emit();
    await resolveDestinations(ctx, documents, sessions, {
      mode: singleAccount ? "single-account" : "organization",
      accountIds: new Set(records.map((r) => r.id)),
      scannedAccountIds: new Set(records.filter((r) => r.scan === "scanned").map((r) => r.id)),
      allScanned: records.every((r) => r.scan === "scanned"),
    });

    // Roles, bucket and key policies: only when a loaded policy reads them (FactPlan.access).
    if (plan.access !== undefined) await collectAccessFacts(ctx, documents, sessions, plan.access, { organizationId: org?.id ?? null });

    documents.sort((a, b) => a.account.id.localeCompare(b.account.id) || a.name.localeCompare(b.name));
    progress.phase = "done";
    progress.emit();
    const scanInfo: ScanInfo = {
      startedAt,
      finishedAt: new Date().toISOString(),
      mode: singleAccount ? "single-account" : "organization",
      endpoint: effectiveEndpoint(options.endpoint),
      callerAccountId: caller.accountId,
      organizationId: org?.id ?? null,
      managementAccountId: org?.managementAccountId ?? null,
      roleName,
      regions: ctx.regions === null ? null : [...ctx.regions],
      filters: { accounts: options.accounts ?? [], excludeAccounts: options.excludeAccounts ?? [], ous: options.ous ?? [] },
    };
    return { scan: scanInfo, accounts: records, buckets: documents, coverage: computeCoverage(records, documents) };
  } finally {
    factory.close();
  }
}
