/**
 * A scan worker thread (piscina): scans the accounts it is given exactly as the single-thread scan
 * does (`AccountLookahead`: AssumeRole, ListBuckets, the per-bucket reads, the next accounts opened ahead) with its own clients, its own
 * share of the request slots and its own sockets, and hands back what the main thread needs. The
 * JSON encoding of the documents happens here, so the main thread only appends bytes to the spool.
 */
import { BroadcastChannel, threadId } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { AwsClientFactory, cachedCredentials, createRequestLimiter } from "../aws/index.js";
import { AccountLookahead } from "./account.js";
import { ProgressTracker, type ScanContext } from "./context.js";
import { inventoryEntry } from "./spool.js";
import { plainCredentials, type AccountOutcome, type AccountTask, type ChannelMessage, type WorkerProgress, type WorkerSetup } from "./workers-protocol.js";

const setup = workerData as WorkerSetup;
const channel = new BroadcastChannel(setup.channel);
// The channel must not keep the worker alive: piscina ends the thread when the pool closes.
channel.unref();

/** The worker's totals so far: sent at most every 100 ms on the channel, and with every outcome. */
const totals = (tracker: ProgressTracker): WorkerProgress => ({
  worker: threadId,
  bucketsDone: tracker.bucketsDone,
  bucketsDiscovered: tracker.bucketsDiscovered,
  errors: tracker.errors,
});
let lastPost = 0;
const progress: ProgressTracker = new ProgressTracker(() => {
  const now = Date.now();
  if (now - lastPost < 100) return;
  lastPost = now;
  channel.postMessage({ kind: "progress", progress: totals(progress) } satisfies ChannelMessage);
});

/**
 * The caller's credentials come from the main thread (they may be an SSO or instance-role session
 * that only it can refresh): asked for once, and again five minutes before they expire.
 */
let asked = 0;
const waiting = new Map<string, { resolve: (c: AwsCredentialIdentity) => void; reject: (e: Error) => void }>();
channel.onmessage = (event: unknown): void => {
  const message = (event as { data: ChannelMessage }).data;
  if (message.kind !== "caller-answer" && message.kind !== "caller-error") return;
  const waiter = waiting.get(message.id);
  if (waiter === undefined) return; // another worker's answer
  waiting.delete(message.id);
  if (message.kind === "caller-answer") waiter.resolve(message.credentials);
  else waiter.reject(new Error(message.message));
};
const callerCredentials = cachedCredentials(
  () =>
    new Promise<AwsCredentialIdentity>((resolve, reject) => {
      const id = `${threadId}:${++asked}`;
      waiting.set(id, { resolve, reject });
      channel.postMessage({ kind: "caller-request", id } satisfies ChannelMessage);
    }),
);

const factory = new AwsClientFactory({
  ...(setup.endpoint === undefined ? {} : { endpoint: setup.endpoint }),
  region: setup.region,
  maxAttempts: setup.maxAttempts,
  maxSockets: setup.requests,
});
const request = createRequestLimiter(setup.requests);
const ready = factory.resolveS3Settings();

const ctx: ScanContext = {
  factory,
  request,
  caller: { accountId: setup.callerAccountId, credentials: callerCredentials },
  homeRegion: setup.region,
  singleAccount: setup.singleAccount,
  roleName: setup.roleName,
  externalId: setup.externalId,
  regions: setup.regions === null ? null : new Set(setup.regions),
  plan: setup.plan,
  bucketsInFlight: setup.requests,
  outOfScopeBuckets: new Map(),
  progress,
};

const encoder = new TextEncoder();
/** The worker's accounts: its share reading, as many opened ahead (piscina gives it twice its share of tasks). */
const lookahead = new AccountLookahead(setup.accountsInFlight);

export default async function scanAccountTask(task: AccountTask): Promise<unknown> {
  await ready;
  const record = task.record;
  const result = await lookahead.scan(ctx, record, task.ref);
  const outOfScope = [...ctx.outOfScopeBuckets].filter(([, owner]) => owner === record.id);
  for (const [name] of outOfScope) ctx.outOfScopeBuckets.delete(name);
  const session = result.session;
  const outcome: AccountOutcome = {
    record: { scan: record.scan, access: record.access, bucketCount: record.bucketCount, errors: record.errors },
    documents: encoder.encode(result.documents.map((doc) => `${JSON.stringify(doc)}\n`).join("")),
    inventory: result.documents.map((doc) => {
      const { account: _shared, ...entry } = inventoryEntry(doc);
      return entry;
    }),
    outOfScope,
    // The session's cached credentials: resolved already (the account was entered), so no new call.
    session: session === null ? null : { access: session.access, credentials: session.access === "assumed-role" ? plainCredentials(await session.credentials()) : null },
    counts: { ...request.counts, worker: threadId },
    progress: totals(progress),
  };
  // The documents' bytes move to the main thread instead of being copied (piscina's Transferable).
  return move({
    get [transferableSymbol]() {
      return [outcome.documents.buffer];
    },
    get [valueSymbol]() {
      return outcome;
    },
  });
}
