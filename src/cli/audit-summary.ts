/** `replguard audit`'s closing summary on stdout (lines, or JSON with --json), loaded once the audit has run. */
import type { AuditResult } from "../audit/index.js";
import { errorResultLine, runCompleteness } from "../report/index.js";
import type { AuditFlags } from "./audit-command.js";
import { driftSummaryLines } from "./drift-summary.js";
import { retryLines } from "./retry-summary.js";
import { printErr, printOut } from "./terminal.js";
import { terraformDriftSummary } from "./terraform-drift.js";

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

/** At most `limit` lines, then how many more the reports hold. */
/** `more`: lines the audit did not keep in memory (AuditResult.omitted), counted all the same. */
function capped(lines: string[], limit = 10, more = 0): string[] {
  const total = lines.length + more;
  return total <= limit ? lines : [...lines.slice(0, limit), `  … and ${total - limit} more (see the reports)`];
}

export function printSummary(result: AuditResult, flags: AuditFlags): void {
  const { snapshot, summary, reports, exitCode } = result;
  if (flags.baseline === "latest" && result.baselineFile === null && !flags.json) {
    // A first run has nothing to compare with: said, not silent.
    printErr("replguard: --baseline latest: no earlier snapshot.json beside the report folder: this is the first run, no drift reported\n");
  }
  if (flags.json) {
    const { complete } = runCompleteness(snapshot);
    const drift = result.drift === null ? null : { baseline: result.baselineFile, ...result.drift.summary };
    const terraform = result.terraformDrift === null ? null : { file: result.terraformDrift.terraform.file, drifted: result.terraformDrift.drifted, counts: result.terraformDrift.counts };
    const json = { exitCode, complete, failOn: snapshot.failOn, coverage: snapshot.coverage, retries: snapshot.scan.retries ?? null, ...summary, drift, terraform, reports };
    printOut(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (flags.quiet) return;
  const { accounts, buckets } = snapshot.coverage;
  const c = summary.counts;
  // Say which accounts and buckets could not be read, and why: the first thing a reader must act on.
  const failedAccounts = snapshot.accounts
    .filter((a) => a.scan === "failed")
    .map((a) => `  not scanned: account ${a.id} ${a.name}: ${a.errors.map((e) => `${e.operation} ${e.code}`).join(", ")}`);
  const partialBuckets = snapshot.buckets
    .filter((b) => b.errors.length > 0)
    .map((b) => `  partly read: ${b.name} (${b.account.id}): ${b.errors.map((e) => `${e.operation} ${e.code}`).join(", ")}`);
  const completeness = runCompleteness(snapshot);
  const undecided = completeness.errorResults.map((result) => `  not decided: ${errorResultLine(result)}`);
  const lines = [
    `replguard: scanned ${accounts.scanned} of ${plural(accounts.inScope, "account")} in scope and ${buckets.scanned} of ${plural(buckets.inScope, "bucket")}` +
      ` (${plural(accounts.outOfScope, "account")} out of scope)`,
    ...capped(failedAccounts),
    ...capped(partialBuckets, 10, result.omitted.buckets),
    ...capped(undecided, 5, result.omitted.results),
    ...retryLines(snapshot.scan.retries),
    ...(snapshot.scan.shard === undefined ? [] : [
          `shard ${snapshot.scan.shard.index}/${snapshot.scan.shard.count}: findings are decided by \`replguard merge\` over every shard's snapshot` +
            ` (${plural(snapshot.scan.shard.pendingDestinations.length, "destination")} outside this shard's accounts left unresolved until then)`,
        ]),
    `results: ${c.fail} fail (${summary.failuresAtOrAboveFailOn} at or above ${snapshot.failOn}), ${c.pass} pass, ${c.error} error,` +
      ` ${c.suppressed} suppressed, ${c.not_applicable} not applicable`,
    completeness.complete ? "complete: every in-scope account and bucket was read and every policy decided" : "INCOMPLETE: see the lines above (exit 3)",
    ...(result.drift === null || result.baselineFile === null ? [] : driftSummaryLines(result.drift, result.baselineFile)),
    ...(result.terraformDrift === null ? [] : terraformDriftSummary(result.terraformDrift)),
    ...reports.map((report) => `  ${report.format.padEnd(5)} ${report.file}`),
  ];
  printOut(`${lines.join("\n")}\n`);
}
