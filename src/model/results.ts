/** Policy evaluation results: plain data between `policy` and `report`. */

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RESULT_STATUSES = ["pass", "fail", "error", "not_applicable", "suppressed"] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** One failing spot in the bucket document. */
export interface Evidence {
  /** JSON pointer into the bucket document, e.g. `/replication/rules/0/destination/crossAccount`. */
  pointer: string;
  /** The value found there (undefined is written as null). */
  actual: unknown;
  /** What the policy expected, in words, e.g. `must be true`. */
  expected: string;
}

export interface Suppression {
  policyId: string;
  /** Exact bucket ARN or a glob with `*` (e.g. `arn:aws:s3:::sandbox-*`). */
  resource: string;
  reason: string;
  /** ISO date (YYYY-MM-DD); the suppression stops applying after this day (UTC). */
  expires: string | null;
}

export interface PolicyResult {
  policyId: string;
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  status: ResultStatus;
  severity: Severity;
  /** A sentence a person understands, specific to this bucket. */
  message: string;
  /** For `fail` (and `suppressed` findings): where and why. Empty otherwise. */
  evidence: Evidence[];
  /** For `suppressed`: the suppression that applied. */
  suppression: Suppression | null;
}

/** A suppression in force during the audit (its `expires` day not passed, or none: permanent). */
export interface ActiveSuppression extends Suppression {
  /** How many findings it suppressed. */
  matched: number;
}

/** A suppression whose `expires` date has passed: it no longer applies and is reported. */
export interface ExpiredSuppression extends Suppression {
  /** How many results it would have matched. */
  matched: number;
}

/** Counts that summaries, exit codes and drift read. */
export type StatusCounts = Record<ResultStatus, number>;
