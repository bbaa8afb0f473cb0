/** What every stage of one scan shares: clients, limiter, caller, plan, progress counters. */
import { channel } from "node:diagnostics_channel";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { S3Client } from "@aws-sdk/client-s3";
import type { AwsClientFactory, BucketLists, BucketReads, RequestLimiter } from "../aws/index.js";
import type { FactPlan } from "../model/index.js";

export interface ScanProgress {
  phase: "organization" | "accounts" | "destinations" | "done";
  /** In-scope accounts finished (scanned or failed) / in scope. */
  accounts: { done: number; total: number };
  /** Buckets whose facts are read / buckets listed so far. */
  buckets: { done: number; discovered: number };
  /** Account failures plus bucket error entries so far. */
  errors: number;
}

export interface ScanContext {
  factory: AwsClientFactory;
  request: RequestLimiter;
  caller: { accountId: string; credentials: AwsCredentialIdentityProvider };
  homeRegion: string;
  /** Scan the caller's account with its own credentials, no AssumeRole. */
  singleAccount: boolean;
  roleName: string;
  externalId: string | undefined;
  /** Only buckets in these regions, or null for all. */
  regions: Set<string> | null;
  plan: FactPlan;
  /** Buckets of one account in flight at once (their calls still queue on the shared request limiter). */
  bucketsInFlight: number;
  /** Buckets listed but outside `--regions`: name → owner, so destinations among them are told apart. */
  outOfScopeBuckets: Map<string, string>;
  progress: ProgressTracker;
}

/** An account's credentials and its S3 clients, one per region, built on first use. */
export class AccountSession {
  private clients = new Map<string, S3Client>();
  private reads = new Map<string, BucketReads>();

  constructor(
    readonly accountId: string,
    readonly credentials: AwsCredentialIdentityProvider,
    readonly access: "assumed-role" | "caller",
    private readonly factory: AwsClientFactory,
  ) {}

  s3(region: string): S3Client {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.factory.s3(this.credentials, region);
      this.clients.set(region, client);
    }
    return client;
  }

  /** The per-bucket reads in a region; its S3 client is made only if a read needs the SDK (AwsClientFactory.regionReads). */
  bucketReads(region: string): BucketReads {
    let reads = this.reads.get(region);
    if (reads === undefined) {
      reads = this.factory.regionReads(this.credentials, region, () => this.s3(region));
      this.reads.set(region, reads);
    }
    return reads;
  }

  /** The account's ListBuckets pages from `region` (the home Region); its S3 client made only if the SDK must serve them (AwsClientFactory.bucketLists). */
  bucketLists(region: string): BucketLists {
    return this.factory.bucketLists(this.credentials, region, () => this.s3(region));
  }

  /** Drops the clients and reads (not the credentials) once the account's buckets are read: 1,000 accounts × regions of idle clients would add up. */
  release(): void {
    this.clients = new Map();
    this.reads = new Map();
  }
}

/**
 * Where the scan is, for whoever measures it (bench/run.ts prints each stage's wall time): every
 * phase change, and the stages inside a phase (`access-ahead`: waiting, once every account is read,
 * for the access batches begun while they were (scan/early-access.ts); `access`: the access pass; `handover`: the documents
 * handed on to evaluation and the snapshot), published as `{ stage }`. A diagnostics channel costs
 * nothing without a subscriber and changes nothing the scan does or returns.
 */
export const SCAN_STAGES = channel("replguard:scan-stage");
export type ScanStage = ScanProgress["phase"] | "access-ahead" | "access" | "handover";
export const markStage = (stage: ScanStage): void => {
  if (SCAN_STAGES.hasSubscribers) SCAN_STAGES.publish({ stage });
};

/** Counts for the progress callback; the CLI draws them. */
export class ProgressTracker {
  private current: ScanProgress["phase"] = "organization";
  get phase(): ScanProgress["phase"] {
    return this.current;
  }
  set phase(phase: ScanProgress["phase"]) {
    if (phase !== this.current) markStage(phase);
    this.current = phase;
  }
  accountsDone = 0;
  accountsTotal = 0;
  bucketsDone = 0;
  bucketsDiscovered = 0;
  errors = 0;

  constructor(private readonly listener: ((p: ScanProgress) => void) | undefined) {}

  emit(): void {
    this.listener?.({
      phase: this.phase,
      accounts: { done: this.accountsDone, total: this.accountsTotal },
      buckets: { done: this.bucketsDone, discovered: this.bucketsDiscovered },
      errors: this.errors,
    });
  }
}
