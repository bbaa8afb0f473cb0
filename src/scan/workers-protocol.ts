/**
 * What the main thread and the scan's worker threads say to each other (src/scan/workers.ts and
 * workers-entry.ts). Everything here crosses a thread by structured clone: plain data only, no
 * functions, no clients.
 */
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { RetryCounts } from "../aws/index.js";
import type { AccountRecord, AccountRef, FactPlan } from "../model/index.js";
import type { InventoryEntry } from "./spool.js";

/** Set once per worker (piscina's `workerData`): what a ScanContext is built from. */
export interface WorkerSetup {
  /** The BroadcastChannel the workers share with the main thread (progress, caller credentials). */
  channel: string;
  endpoint: string | undefined;
  region: string;
  maxAttempts: number;
  /** This worker's share of the request slots (its own limiter and sockets). */
  requests: number;
  /** This worker's share of the accounts reading at once; as many more are opened ahead (AccountLookahead). */
  accountsInFlight: number;
  callerAccountId: string;
  singleAccount: boolean;
  roleName: string;
  externalId: string | undefined;
  regions: string[] | null;
  plan: FactPlan;
}

/** One task: one in-scope account. */
export interface AccountTask {
  record: AccountRecord;
  ref: AccountRef;
}

/** A worker's progress counts so far (monotonic: the main thread keeps the latest per worker, whichever way it came). */
export interface WorkerProgress {
  worker: number;
  bucketsDone: number;
  bucketsDiscovered: number;
  errors: number;
}

/** What a worker hands back for one account. */
export interface AccountOutcome {
  /** The fields of the record that scanning the account sets. */
  record: Pick<AccountRecord, "scan" | "access" | "bucketCount" | "errors">;
  /** The account's documents, one JSON line each (the spool's format), encoded in the worker. */
  documents: Uint8Array;
  /** One inventory entry per document, in the same order, without the shared `account`. */
  inventory: Omit<InventoryEntry, "account">[];
  /** Buckets listed outside `--regions`: name → owner. */
  outOfScope: [string, string][];
  /** How the account was entered and, for an assumed role, the session's credentials (the main thread's later reads reuse them). */
  session: { access: "assumed-role" | "caller"; credentials: AwsCredentialIdentity | null } | null;
  /** The worker's whole retry counts so far (monotonic: the main thread keeps the latest per worker). */
  counts: RetryCounts & { worker: number };
  progress: WorkerProgress;
}

/** Messages on the shared channel. */
export type ChannelMessage =
  | { kind: "progress"; progress: WorkerProgress }
  | { kind: "caller-request"; id: string }
  | { kind: "caller-answer"; id: string; credentials: AwsCredentialIdentity }
  | { kind: "caller-error"; id: string; message: string };

/** Only the fields of a credential identity, so it crosses a thread (a provider's extras might not). */
export function plainCredentials(c: AwsCredentialIdentity): AwsCredentialIdentity {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken }),
    ...(c.expiration === undefined ? {} : { expiration: c.expiration }),
  };
}
