/**
 * The scanner: discover the accounts in scope, read every bucket's facts, resolve every
 * replication destination, and count what was and was not read.
 */
import {
  AwsClientFactory,
  callerCredentials,
  createRequestLimiter,
  defaultRegion,
  effectiveEndpoint,
  getCallerIdentity,
  type AwsAccessOptions,
} from "../aws/index.js";
import { UsageError } from "../errors.js";
import { envSwitch } from "../env-switch.js";
import { coalesceMs } from "../aws/answer-turns.js";
import type { AccountRecord, AccountRef, BucketDocument, Coverage, FactName, FactPlan, ScanInfo, ShardInfo } from "../model/index.js";
import { FACT_NAMES } from "../model/index.js";
import { discoverOrganization, scopeAccounts, type Organization } from "../org/index.js";
import { scanAccounts, type ScannedAccount } from "./account.js";
import { accountSinks } from "./account-sink.js";
import { markStage, ProgressTracker, type AccountSession, type ScanContext, type ScanProgress } from "./context.js";
import { coverageOf } from "./coverage.js";
import { accessPass, Lookahead, releaseReads } from "./access-pass.js";
import { EarlyAccess } from "./early-access.js";
import { applyAsDestination, applyResolution, resolveDestinations, type OrganizationView } from "./resolve.js";
import { assignShard, type Shard } from "./shard.js";
import { Inventory } from "./inventory.js";
import { DocumentSpool } from "./spool.js";
import { scanAccountsInWorkers, workerCount, type WorkersOption } from "./workers.js";

export type { ScanProgress } from "./context.js";
export { computeCoverage } from "./coverage.js";
export { parseShard, shardFromEnvironment, shardOfAccount, type Shard } from "./shard.js";
export type { WorkersOption } from "./workers.js";
export { fillResolved, fillUnresolved, markReplicaDestinations, type HeadResult, type OrganizationView } from "./destination-fill.js";

export interface ScanOptions extends AwsAccessOptions {
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
  onProgress?: (p: ScanProgress) => void;
  /**
   * Worker threads for the accounts phase (default 1: this thread only; `auto`: every core this
   * process may use). Each scans whole accounts with its share of `concurrency`; destinations, the
   * access pass and everything after stay on this thread, so the results are the same (docs/scale.md).
   */
  workers?: WorkersOption;
  /**
   * Scan only this shard's accounts (`shardOfAccount`); the others are recorded as excluded
   * ("scanned by shard …") and destinations in them stay unresolved until `replguard merge`.
   */
  shard?: Shard;
  /**
   * Called once every account is read and every destination resolved, before the first `onBucket`:
   * the scan's record and the accounts are final (coverage follows in the result).
   */
  onScanned?: (scanned: { scan: ScanInfo; accounts: AccountRecord[] }) => void | Promise<void>;
  /**
   * Each finished bucket document, in (account id, bucket name) order, awaited one at a time.
   * Given it, the documents are not kept (the result's `buckets` is empty): between the read and
   * this call they wait in a temporary file, so the scan's memory holds only the inventory.
   */
  onBucket?: (doc: BucketDocument) => void | Promise<void>;
  /**
   * Diagnostics: the number of replicating documents each batch of the access pass holds at once
   * (scan/access-pass.ts); called only when a loaded policy reads roles, bucket or key policies.
   */
  onAccessBatch?: (documents: number) => void;
  /** Diagnostics: the most documents of one account held at once (default 256; 1,536 in an access batch; docs/memory.md). */
  accountChunk?: number;
  /**
   * Begin the access pass while accounts are still read, for the accounts nothing still to come can
   * change (scan/early-access.ts). Default true (at 100,000 buckets it took the wall ÷ floor ratio
   * from 1.37 to 1.27; docs/scale.md), unless `REPLGUARD_ACCESS_AHEAD=0`; false: the pass after
   * every account, as before.
   */
  accessAhead?: boolean;
}

export interface ScanResult {
  scan: ScanInfo;
  accounts: AccountRecord[];
  /** Every bucket document in (account id, name) order; empty when `onBucket` took them. */
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

/** The shard's record: its fact plan, and the destinations outside its inventory that merge resolves. */
function shardInfo(shard: Shard, plan: FactPlan, ctx: ScanContext, inventory: Inventory): ShardInfo {
  const pending = new Set<string>();
  for (const entry of inventory.values()) for (const name of entry.destinations ?? []) if (!inventory.has(name)) pending.add(name);
  return {
    index: shard.index,
    count: shard.count,
    factPlan: plan,
    outOfScopeBuckets: Object.fromEntries([...ctx.outOfScopeBuckets].sort(([a], [b]) => a.localeCompare(b))),
    pendingDestinations: [...pending].sort(),
  };
}

/** Whether the access pass begins during the accounts stage: on this thread, unsharded, when it runs at all. */
const accessAhead = (options: ScanOptions, plan: FactPlan, workers: number): boolean =>
  plan.access !== undefined && (options.accessAhead ?? envSwitch("REPLGUARD_ACCESS_AHEAD") ?? true) && workers === 1 && options.shard === undefined;

export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const requests = positive("concurrency.requests", options.concurrency?.requests, 32);
  const accountsInFlight = positive("concurrency.accounts", options.concurrency?.accounts, 8);
  const maxAttempts = positive("maxAttempts", options.maxAttempts, 10);
  const plan = normalisePlan(options.facts);
  if (options.accountChunk !== undefined) positive("accountChunk", options.accountChunk, 1);
  workerCount(options.workers, 1); // a bad value is refused before any call
  envSwitch("REPLGUARD_ACCESS_AHEAD"); // likewise
  coalesceMs(); // likewise
  if (options.workers !== undefined && options.workers !== 1 && options.retryStrategy !== undefined) {
    throw new UsageError("retryStrategy cannot be handed to worker threads: use workers 1 with it");
  }
  const region = options.region ?? defaultRegion();
  const roleName = options.roleName ?? DEFAULT_ROLE_NAME;
  const singleAccount = options.singleAccount ?? false;
  const factory = new AwsClientFactory({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.retryStrategy === undefined ? {} : { retryStrategy: options.retryStrategy }),
    ...(options.leanReads === undefined ? {} : { leanReads: options.leanReads }),
    region,
    maxAttempts,
    maxSockets: requests,
  });
  const request = createRequestLimiter(requests);
  const progress = new ProgressTracker(options.onProgress);
  markStage("organization");
  try {
    await factory.resolveS3Settings();
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
    if (options.shard !== undefined) assignShard(records, options.shard);

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
    const workers = workerCount(options.workers, inScope.length);
    progress.phase = "accounts";
    progress.accountsTotal = inScope.length;
    progress.emit();

    const sessions = new Map<string, AccountSession>();
    const spool = new DocumentSpool();
    // Its names on disk beside the spool's documents, removed with them (an interrupted scan too).
    const inventory = new Inventory({ directory: spool.directory });
    let accessed: DocumentSpool | null = null;
    const world = { organizationId: org?.id ?? null };
    const early = accessAhead(options, plan, workers) ? new EarlyAccess({ ctx, inventory, sessions, access: plan.access!, world, accountIds: new Set(records.map((r) => r.id)), inScope: inScope.map((r) => r.id), mode: singleAccount ? "single-account" : "organization", ...(options.onAccessBatch === undefined ? {} : { onBatch: options.onAccessBatch }) }) : null;
    try {
      if (workers > 1) {
        const endpoint = options.endpoint;
        await scanAccountsInWorkers(ctx, inScope, { workers, accountsInFlight, requests, endpoint, maxAttempts }, { spool, inventory, sessions });
      } else {
        // One AccountRef per account, shared by its documents (identical in JSON, one object in memory).
        const accounts = inScope.map((record) => ({ record, ref: { id: record.id, name: record.name, ouPath: record.ouPath, tags: record.tags } satisfies AccountRef }));
        // Each account's documents go to the inventory and the spool a chunk at a time (account-sink.ts).
        const sinks = accountSinks({ inventory, spool, sessions, early }, options.accountChunk);
        const onScanned = async (record: AccountRecord, result: ScannedAccount): Promise<void> => {
          if (result.session !== null && record.scan === "scanned") sessions.set(record.id, result.session);
          sinks.ended(record);
          progress.accountsDone++;
          progress.emit();
        };
        await scanAccounts(ctx, accounts, accountsInFlight, onScanned, sinks.sink);
      }

      const ahead = (await early?.settle(progress)) ?? null;
      progress.phase = "destinations";
      progress.emit();
      const view: OrganizationView = {
        mode: singleAccount ? "single-account" : "organization",
        accountIds: new Set(records.map((r) => r.id)),
        scannedAccountIds: new Set(records.filter((r) => r.scan === "scanned").map((r) => r.id)),
        allScanned: records.every((r) => r.scan === "scanned"),
      };
      const resolution = await resolveDestinations(ctx, inventory, sessions, { shard: options.shard !== undefined }, early?.destinationPatches);

      // Roles, bucket and key policies: only when a loaded policy reads them (FactPlan.access), in
      // batches of accounts that share a role (scan/access-pass.ts); the completed documents wait in a
      // second spool, in the same order, and replace their first version as the documents are handed on.
      if (plan.access !== undefined) {
        markStage("access");
        const aheadInput = early === null || ahead === null ? {} : { ahead: { accounts: ahead, out: early.out, reads: early.reads } };
        accessed = await accessPass({ ctx, spool, inventory, resolution, view, sessions, access: plan.access, world, ...aheadInput, ...(options.accountChunk === undefined ? {} : { chunk: options.accountChunk }), ...(options.onAccessBatch === undefined ? {} : { onBatch: options.onAccessBatch }) });
      }
      releaseReads(sessions);
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
        retries: { ...request.counts },
        ...(options.shard === undefined ? {} : { shard: shardInfo(options.shard, plan, ctx, inventory) }),
      };
      markStage("handover");
      await options.onScanned?.({ scan: scanInfo, accounts: records });
      const kept: BucketDocument[] = [];
      const counts = { buckets: 0, partial: 0 };
      const completed = accessed === null ? null : new Lookahead((accessed as DocumentSpool).documents(undefined, options.accountChunk));
      for await (const spooled of spool.documents(undefined, options.accountChunk)) {
        const doc = (await completed?.take(spooled)) ?? spooled;
        if (doc === spooled) applyResolution(ctx, doc, inventory, resolution, view);
        // Completed ahead: what it is as a destination, where applyResolution puts it (before the access facts' errors).
        else if (ahead?.get(doc.account.id)?.has(doc.name) === false) applyAsDestination(doc, resolution, spooled.errors.length);
        counts.buckets++;
        if (doc.errors.length > 0) counts.partial++;
        if (options.onBucket === undefined) kept.push(doc);
        else await options.onBucket(doc);
      }
      progress.phase = "done";
      progress.emit();
      return { scan: scanInfo, accounts: records, buckets: kept, coverage: coverageOf(records, counts) };
    } finally {
      inventory.close();
      await spool.close();
      await early?.close();
      await accessed?.close();
    }
  } finally {
    factory.close();
  }
}
