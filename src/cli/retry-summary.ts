/** The summary line on retried calls: throttling and transient errors cost time, never a bucket, and the reader sees how much. */
import type { RetryCounts } from "../model/index.js";

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

/** `retried: R of N AWS calls (E extra attempts, …)`, or nothing when no call was retried (or the snapshot predates the count). */
export function retryLines(retries: RetryCounts | undefined): string[] {
  if (retries === undefined || retries.retriedCalls === 0) return [];
  return [`retried: ${retries.retriedCalls} of ${plural(retries.calls, "AWS call")} (${plural(retries.extraAttempts, "extra attempt")}, after throttling or transient errors)`];
}
