/**
 * What replicateExisting takes and returns. The context is how the caller (`audit --fix
 * --replicate-existing`, wired by the fix flow) hands over clients, names and the two callbacks;
 * see index.ts for how each field is used.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { S3ControlClient } from "@aws-sdk/client-s3-control";

/** A bucket whose existing objects should be replicated: its replication must already be configured. */
export interface BatchTarget {
  accountId: string;
  bucket: string;
  region: string;
}

/** A job created and prepared, about to be confirmed: what a person needs to say yes. */
export interface PendingJob {
  target: BatchTarget;
  jobId: string;
  /** Objects the job will replicate (TotalNumberOfTasks after Preparing). */
  tasks: number;
}

/** One status read of a job, for a progress line. */
export interface JobProgress {
  target: BatchTarget;
  jobId: string;
  status: string;
  total: number;
  succeeded: number;
  failed: number;
}

export interface ReplicateExistingContext {
  /** S3 Control client acting in `accountId`, for `region` (a job lives in its source bucket's account and Region). */
  s3control(accountId: string, region: string): S3ControlClient;
  /** S3 client acting in `accountId`, for `region`: reads the completion report back. */
  s3(accountId: string, region: string): S3Client;
  /** The IAM role S3 Batch Operations assumes for the job (it needs s3:InitiateReplication and the report write). */
  batchRoleArn(target: BatchTarget): string;
  /** Where the completion report goes: a bucket of the job's account in the job's Region, and a prefix. */
  reportLocation(target: BatchTarget): { bucket: string; prefix?: string };
  /**
   * Asked once per prepared job before it starts. true starts it (UpdateJobStatus Ready); false
   * leaves it Suspended, awaiting confirmation, and the result says how to start it later.
   */
  confirm(job: PendingJob): Promise<boolean>;
  /** Called after each status read (progress lines). */
  onProgress?(progress: JobProgress): void;
  /** Milliseconds between status reads; default 5000 (jobs take minutes), 0 against the sandbox. */
  pollIntervalMs?: number;
  /** Status reads per job before giving up following it (the job goes on; the result says how to check); default 720. */
  maxPolls?: number;
  /** Identifies this run in each job's ClientRequestToken, so a retried run does not start a second job; default: a timestamp. */
  runId?: string;
  /** Batch Operations priority; default 10. */
  priority?: number;
  /** Waits between reads; default setTimeout (tests need none). */
  sleep?(ms: number): Promise<void>;
}

/** The completion report, read back and counted. */
export interface ReportSummary {
  /** Key of the report's manifest.json in the report bucket. */
  manifestKey: string;
  succeeded: number;
  failed: number;
  /** Failed rows by error code, e.g. { AccessDenied: 3 }. */
  failuresByCode: Record<string, number>;
  /** Up to five failed keys, to name in the summary. */
  failedKeys: string[];
  /** Whether the report's counts equal the job's ProgressSummary. */
  matchesProgress: boolean;
}

interface Located {
  target: BatchTarget;
}

/** What happened to one bucket's existing objects: a typed outcome, never a bare boolean. */
export type BatchResult = Located &
  (
    | { outcome: "completed"; jobId: string; total: number; succeeded: number; failed: number; report: ReportSummary | { error: string } }
    | { outcome: "job-failed"; jobId: string; total: number; succeeded: number; failed: number; reasons: string[]; report: ReportSummary | { error: string } | null }
    | { outcome: "awaiting-confirmation"; jobId: string; tasks: number; howToRun: string }
    | { outcome: "cancelled"; jobId: string }
    | { outcome: "still-running"; jobId: string; status: string; howToCheck: string }
    | { outcome: "error"; jobId: string | null; operation: string; code: string; message: string }
  );
