/**
 * "Is this run complete?", decided once. The exit code, the CLI summary, the SARIF invocation and
 * the HTML banner all ask this function, so no output can call a run complete that another calls
 * incomplete. A run is complete when every in-scope account and bucket was read (coverage) and no
 * policy result is `error`: an error result means the audit could not decide that policy on that
 * bucket, which is a gap in the picture exactly like an unread bucket.
 */
import type { PolicyResult, Snapshot } from "../model/index.js";

export interface RunCompleteness {
  /** True only when coverage is complete and no result is `error`. */
  complete: boolean;
  /** Every in-scope account and bucket was read completely. */
  coverageComplete: boolean;
  /** The `error` results, in snapshot order (references, not copies). */
  errorResults: PolicyResult[];
}

export function runCompleteness(snapshot: Pick<Snapshot, "coverage" | "results">): RunCompleteness {
  const errorResults = snapshot.results.filter((result) => result.status === "error");
  return { ...completenessOf(snapshot.coverage.complete, errorResults.length), errorResults };
}

/** The same decision from counts, for a reader that keeps no results (the HTML's one streaming pass). */
export function completenessOf(coverageComplete: boolean, errorResultCount: number): { complete: boolean; coverageComplete: boolean } {
  return { complete: coverageComplete && errorResultCount === 0, coverageComplete };
}

/** One line per error result: which policy could not be decided on which bucket, and why. */
export const errorResultLine = (result: PolicyResult): string =>
  `policy ${result.policyId} on ${result.bucketArn}: ${result.message || "could not be evaluated"}`;
