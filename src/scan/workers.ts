/**
 * One scan over several cores (`--workers N`): at a few milliseconds a call the scanner is
 * CPU-bound (the SDK's per-call work, signing, parsing), so the accounts are spread over worker
 * threads (piscina), one task per account. Each worker scans its accounts exactly as the
 * single-thread path does, with its own clients and its share of the request slots, and hands back
 * the account's record, its documents (already encoded as the spool's JSON lines), their inventory
 * entries and the session's credentials. Everything after the accounts phase (destinations, the
 * access pass, evaluation, reports) stays on the main thread, unchanged: the results are the same.
 */
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { BroadcastChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { RetryCounts } from "../aws/index.js";
import { ReplguardError, UsageError } from "../errors.js";
import type { AccountRecord, AccountRef } from "../model/index.js";
import { auditRoleCredentials } from "./access.js";
import { AccountSession, type ProgressTracker, type ScanContext } from "./context.js";
import type { InventorySink } from "./inventory.js";
import type { DocumentSpool } from "./spool.js";
import { plainCredentials, type AccountOutcome, type AccountTask, type ChannelMessage, type WorkerProgress, type WorkerSetup } from "./workers-protocol.js";

/** `--workers`: a count, or `auto` for every core this process may use. */
export type WorkersOption = number | "auto";

/** Threads to use: never more than the accounts to scan; 1 means the single-thread path. */
export function workerCount(option: WorkersOption | undefined, accounts: number): number {
  if (option === undefined) return 1;
  const wanted = option === "auto" ? availableParallelism() : option;
  if (!Number.isInteger(wanted) || wanted < 1) throw new UsageError(`workers must be a positive integer or "auto", got ${String(option)}`);
  return Math.max(1, Math.min(wanted, accounts));
}

const REFRESH_MARGIN_MS = 5 * 60_000;

/** The worker's session, reused until five minutes before it expires; then a fresh AssumeRole from this thread. */
function handedOver(identity: AwsCredentialIdentity, refresh: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  return () => (identity.expiration === undefined || identity.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS ? Promise.resolve(identity) : refresh());
}

export interface WorkerScanOptions {
  workers: number;
  /** Accounts in flight and request slots across all workers (each worker gets its share). */
  accountsInFlight: number;
  requests: number;
  endpoint: string | undefined;
  maxAttempts: number;
  /** The worker module; a test gives one that crashes. */
  entry?: URL;
}

/** Where the accounts phase leaves its results, as the single-thread path does. */
export interface AccountsSink {
  spool: DocumentSpool;
  inventory: InventorySink;
  sessions: Map<string, AccountSession>;
}

/** The worker module beside this one: `.ts` under tsx or vitest, `.js` once built. */
function defaultEntry(): URL {
  return new URL(`./workers-entry${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
}

/**
 * The worker's Node options: none of the parent's (they may hold `-e` code or flags a worker
 * refuses), only tsx for a TypeScript entry (under tsx or vitest, before the build).
 */
function execArgvFor(entry: URL): string[] {
  return entry.pathname.endsWith(".ts") ? ["--import", "tsx"] : [];
}

/** Scans `accounts` over worker threads; a worker that crashes fails the scan (exit 4), never a partial result. */
export async function scanAccountsInWorkers(ctx: ScanContext, accounts: AccountRecord[], options: WorkerScanOptions, sink: AccountsSink): Promise<void> {
  const n = options.workers;
  const channelName = `replguard-scan-${randomUUID()}`;
  const channel = new BroadcastChannel(channelName);
  const progress = ctx.progress;
  const workerProgress = new WorkerProgressSum(progress);
  channel.onmessage = (event: unknown): void => {
    const message = (event as { data: ChannelMessage }).data;
    if (message.kind === "progress") {
      workerProgress.see(message.progress);
      progress.emit();
    } else if (message.kind === "caller-request") {
      ctx.caller.credentials().then(
        (c) => channel.postMessage({ kind: "caller-answer", id: message.id, credentials: plainCredentials(c) } satisfies ChannelMessage),
        (error: unknown) => channel.postMessage({ kind: "caller-error", id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies ChannelMessage),
      );
    }
  };
  const setup: WorkerSetup = {
    channel: channelName,
    endpoint: options.endpoint,
    region: ctx.homeRegion,
    maxAttempts: options.maxAttempts,
    requests: Math.ceil(options.requests / n),
    accountsInFlight: Math.ceil(options.accountsInFlight / n),
    callerAccountId: ctx.caller.accountId,
    singleAccount: ctx.singleAccount,
    roleName: ctx.roleName,
    externalId: ctx.externalId,
    regions: ctx.regions === null ? null : [...ctx.regions],
    plan: ctx.plan,
  };
  const entry = options.entry ?? defaultEntry();
  const pool = new Piscina<AccountTask, AccountOutcome>({
    filename: fileURLToPath(entry),
    minThreads: n,
    maxThreads: n,
    // Twice the worker's share: as many accounts opening ahead as reading (scan/account.ts AccountLookahead).
    concurrentTasksPerWorker: 2 * Math.ceil(options.accountsInFlight / n),
    idleTimeout: Number.POSITIVE_INFINITY,
    execArgv: execArgvFor(entry),
    workerData: setup,
  });
  const counts = new Map<number, RetryCounts>();
  try {
    await Promise.all(
      accounts.map(async (record) => {
        // One AccountRef per account, shared by its inventory entries (as in the single-thread path).
        const ref: AccountRef = { id: record.id, name: record.name, ouPath: record.ouPath, tags: record.tags };
        let outcome: AccountOutcome;
        try {
          outcome = await pool.run({ record, ref });
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new ReplguardError(`a scan worker thread failed while scanning account ${record.id} (${reason}); the scan is incomplete and no report was written`, {
            accountId: record.id,
            cause: error,
          });
        }
        take(ctx, record, ref, outcome, sink);
        workerProgress.see(outcome.progress);
        const seen = counts.get(outcome.counts.worker);
        // Each outcome carries its worker's totals so far; the latest (largest) one counts.
        if (seen === undefined || outcome.counts.calls >= seen.calls) counts.set(outcome.counts.worker, outcome.counts);
        await sink.spool.addEncoded(record.id, outcome.documents);
        progress.accountsDone++;
        progress.emit();
      }),
    );
    for (const c of counts.values()) {
      ctx.request.counts.calls += c.calls;
      ctx.request.counts.retriedCalls += c.retriedCalls;
      ctx.request.counts.extraAttempts += c.extraAttempts;
    }
  } finally {
    await pool.destroy();
    channel.close();
  }
}

/**
 * The main tracker shows its own counts plus every worker's latest totals: a progress message that
 * arrives late or out of order changes nothing, since each outcome carries its worker's totals too.
 */
class WorkerProgressSum {
  private readonly base: WorkerProgress;
  private readonly latest = new Map<number, WorkerProgress>();

  constructor(private readonly tracker: ProgressTracker) {
    this.base = { worker: 0, bucketsDone: tracker.bucketsDone, bucketsDiscovered: tracker.bucketsDiscovered, errors: tracker.errors };
  }

  see(p: WorkerProgress): void {
    const seen = this.latest.get(p.worker);
    this.latest.set(p.worker, {
      worker: p.worker,
      bucketsDone: Math.max(p.bucketsDone, seen?.bucketsDone ?? 0),
      bucketsDiscovered: Math.max(p.bucketsDiscovered, seen?.bucketsDiscovered ?? 0),
      errors: Math.max(p.errors, seen?.errors ?? 0),
    });
    const all = [this.base, ...this.latest.values()];
    this.tracker.bucketsDone = all.reduce((sum, w) => sum + w.bucketsDone, 0);
    this.tracker.bucketsDiscovered = all.reduce((sum, w) => sum + w.bucketsDiscovered, 0);
    this.tracker.errors = all.reduce((sum, w) => sum + w.errors, 0);
  }
}

/** One account's outcome into the record, the inventory, the sessions and the out-of-scope list. */
function take(ctx: ScanContext, record: AccountRecord, ref: AccountRef, outcome: AccountOutcome, sink: AccountsSink): void {
  Object.assign(record, outcome.record);
  for (const [name, owner] of outcome.outOfScope) ctx.outOfScopeBuckets.set(name, owner);
  for (const entry of outcome.inventory) sink.inventory.set(entry.name, { ...entry, account: ref });
  const session = outcome.session;
  if (session === null || record.scan !== "scanned") return;
  sink.sessions.set(record.id, new AccountSession(record.id, handedOverCredentials(ctx, record.id, session), session.access, ctx.factory));
}

/**
 * The credentials of an account a worker scanned, on this thread: the worker's session until five
 * minutes before it expires, then a fresh AssumeRole sent on the scan's one STS client (as every
 * account's first: scan/access.ts), not on a provider and STS client made for the account.
 */
export function handedOverCredentials(ctx: Pick<ScanContext, "factory" | "caller" | "roleName" | "externalId">, accountId: string, session: NonNullable<AccountOutcome["session"]>): AwsCredentialIdentityProvider {
  if (session.access === "caller" || session.credentials === null) return ctx.caller.credentials;
  return handedOver(session.credentials, auditRoleCredentials(ctx, accountId));
}
