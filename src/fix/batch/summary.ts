/** One line per bucket for people: what the batch replication did, from the typed results. */
import type { BatchResult } from "./types.js";

const count = (n: number, word: string): string => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

function reportLine(report: BatchResult & { outcome: "completed" | "job-failed" }): string {
  const r = report.report;
  if (r === null) return "";
  if ("error" in r) return `; completion report not read (${r.error})`;
  const codes = Object.entries(r.failuresByCode).map(([code, n]) => `${code} ×${n}`).join(", ");
  const check = r.matchesProgress ? "matches the job's counts" : `DOES NOT match the job's counts (report: ${r.succeeded} succeeded, ${r.failed} failed)`;
  return `; completion report ${r.manifestKey} ${check}${codes === "" ? "" : `; failures: ${codes}${r.failedKeys.length > 0 ? ` (e.g. ${r.failedKeys.join(", ")})` : ""}`}`;
}

export function summariseBatchResults(results: readonly BatchResult[]): string[] {
  return results.map((result) => {
    const where = `${result.target.bucket} (${result.target.accountId}, ${result.target.region})`;
    switch (result.outcome) {
      case "completed":
        return `${where}: job ${result.jobId} complete: ${count(result.succeeded, "object")} replicated, ${count(result.failed, "object")} failed of ${count(result.total, "object")}${reportLine(result)}`;
      case "job-failed":
        return `${where}: job ${result.jobId} FAILED (${result.reasons.join("; ") || "no reason given"}): ${count(result.succeeded, "object")} replicated, ${count(result.failed, "object")} failed of ${count(result.total, "object")}${reportLine(result)}`;
      case "awaiting-confirmation":
        return `${where}: job ${result.jobId} awaits confirmation (${count(result.tasks, "object")} to replicate); to run it: ${result.howToRun}`;
      case "cancelled":
        return `${where}: job ${result.jobId} was cancelled`;
      case "still-running":
        return `${where}: job ${result.jobId} is still ${result.status}; to check it: ${result.howToCheck}`;
      case "error":
        return `${where}: ${result.operation} failed${result.jobId === null ? "" : ` for job ${result.jobId}`}: ${result.code}: ${result.message}`;
    }
  });
}
