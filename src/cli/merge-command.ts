/** `replguard merge SNAPSHOT...`: the shards of one sharded audit into one snapshot and one set of reports (docs/scale.md). */
import { Command, Option } from "commander";
import type { Severity } from "../model/index.js";
import { REPORT_FORMATS, type ReportFormat } from "../report/types.js";
import { formatList, severity, splitList } from "./parse.js";
import { retryLines } from "./retry-summary.js";
import { printOut } from "./terminal.js";

interface MergeFlags {
  out: string;
  format?: ReportFormat[];
  config?: string;
  policies?: string[];
  pack?: string[];
  failOn?: Severity;
  json?: boolean;
  quiet?: boolean;
}

export function mergeCommand(run: (exitCode: number) => void): Command {
  return new Command("merge")
    .description("Merge the snapshots of a sharded audit (audit --shard INDEX/COUNT) into one snapshot and one set of reports.")
    .argument("<snapshots...>", "every shard's snapshot.json")
    .requiredOption("--out <dir>", "report directory for the merged snapshot and reports")
    .option("--format <formats>", `report formats: ${REPORT_FORMATS.join(",")} or all (default all)`, formatList)
    .option("--config <file>", "the shards' config file (policies, parameters, suppressions)")
    .option("--policies <dirs>", "the shards' extra policy directories (comma-separated)", splitList)
    .option("--pack <names>", "the shards' policy packs (comma-separated)", splitList)
    .addOption(new Option("--fail-on <severity>", "exit 1 on failures at or above this severity (default: the shards')").argParser(severity))
    .option("--quiet", "no summary line")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (snapshots: string[], flags: MergeFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const [{ loadConfig }, { merge }, { runCompleteness }] = await Promise.all([import("../config/index.js"), import("../merge/index.js"), import("../report/index.js")]);
      const config = flags.config === undefined ? {} : await loadConfig(flags.config);
      const result = await merge({
        snapshots,
        outDir: flags.out,
        policies: {
          dirs: [...(config.policies?.dirs ?? []), ...(flags.policies ?? [])],
          packs: flags.pack ?? config.policies?.packs,
          parameters: config.policies?.parameters,
          parametersFile: flags.config,
        },
        suppressions: config.suppressions,
        ...((flags.failOn ?? config.failOn) === undefined ? {} : { failOn: flags.failOn ?? config.failOn }),
        formats: flags.format ?? config.formats ?? REPORT_FORMATS,
      });
      const { complete } = runCompleteness(result.snapshot);
      const { accounts, buckets } = result.snapshot.coverage;
      const c = result.summary.counts;
      if (flags.json) {
        printOut(`${JSON.stringify({ exitCode: result.exitCode, complete, shards: snapshots.length, coverage: result.snapshot.coverage, retries: result.snapshot.scan.retries, ...result.summary, reports: result.reports }, null, 2)}\n`);
      } else if (!flags.quiet) {
        const lines = [
          `replguard: merged ${snapshots.length} shards: ${accounts.scanned} of ${accounts.inScope} accounts in scope and ${buckets.scanned} of ${buckets.inScope} buckets read`,
          `results: ${c.fail} fail (${result.summary.failuresAtOrAboveFailOn} at or above ${result.snapshot.failOn}), ${c.pass} pass, ${c.error} error, ${c.suppressed} suppressed, ${c.not_applicable} not applicable`,
          ...retryLines(result.snapshot.scan.retries),
          complete ? "complete: every in-scope account and bucket was read and every policy decided" : "INCOMPLETE: see the reports (exit 3)",
          ...result.reports.map((report) => `  ${report.format.padEnd(5)} ${report.file}`),
        ];
        printOut(`${lines.join("\n")}\n`);
      }
      run(result.exitCode);
    });
}
