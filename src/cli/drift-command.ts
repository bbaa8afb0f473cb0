/**
 * `replguard drift OLD NEW`: what changed between two snapshots, with no AWS call at all. Writes
 * drift.json / drift.csv, and the new snapshot's SARIF (with baselineState) and HTML (opening with
 * the drift) for `sarif` / `html`. (A `--terraform` form will join this command.)
 */
import { Command, Option } from "commander";
import { defaultOutDir } from "../audit/index.js";
import { diffSnapshots, driftFails } from "../drift/index.js";
import { ExitCode } from "../errors.js";
import { FAIL_ON_DRIFT, type FailOnDrift } from "../model/index.js";
import { loadPolicies } from "../policy/index.js";
import { DRIFT_FORMATS, openReportDir, readSnapshot, writeReports, type DriftFormat, type ReportFormat } from "../report/index.js";
import { driftSummaryLines } from "./drift-summary.js";
import { withInterruptCleanup } from "./interrupt.js";
import { configField, formatList, splitList } from "./parse.js";
import { printOut } from "./terminal.js";

interface DriftFlags {
  format?: ReportFormat[];
  out?: string;
  policies?: string[];
  failOnDrift?: FailOnDrift;
  quiet?: boolean;
  json?: boolean;
}

export function driftCommand(run: (exitCode: number) => void): Command {
  return new Command("drift")
    .description("Compare two snapshots: configuration, compliance, scope and policy changes. No AWS call.")
    .argument("<old>", "the baseline snapshot.json")
    .argument("<new>", "the current snapshot.json")
    .option("--format <formats>", "json (drift.json), csv (drift.csv), sarif and html (the new snapshot's reports with the drift), or all (default json,csv)", formatList)
    .option("--out <dir>", "report directory (default reports/<UTC timestamp>/, unique per run)", configField("out"))
    .option("--policies <dirs>", "policy directories the audits used, for the policies' help text in sarif/html (comma-separated)", splitList)
    .addOption(new Option("--fail-on-drift <when>", "exit 5 on new failures, or on any change").choices([...FAIL_ON_DRIFT]))
    .option("--quiet", "no summary line")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (oldFile: string, newFile: string, flags: DriftFlags) => {
      const baseline = await readSnapshot(oldFile);
      const current = await readSnapshot(newFile);
      const drift = diffSnapshots(baseline, current);
      const requested = flags.format ?? ["json", "csv"];
      const formats = requested.filter((f) => f === "sarif" || f === "html");
      const driftFormats = requested.filter((f): f is DriftFormat => (DRIFT_FORMATS as readonly string[]).includes(f));
      const { policies } = formats.length > 0 ? await loadPolicies({ dirs: flags.policies }) : { policies: [] };
      const dir = await openReportDir(flags.out ?? defaultOutDir(new Date()), { fresh: flags.out === undefined });
      const written = await withInterruptCleanup(() =>
        writeReports(current, { outDir: dir.path, dir, formats, policies, baseline: { snapshot: baseline, drift }, driftFormats }),
      ).finally(() => dir.release());
      const exitCode = flags.failOnDrift !== undefined && driftFails(drift, flags.failOnDrift) ? ExitCode.Drift : ExitCode.Ok;
      if (flags.json) printOut(`${JSON.stringify({ exitCode, baseline: oldFile, current: newFile, ...drift.summary, reports: written }, null, 2)}\n`);
      else if (!flags.quiet) printOut(`${[...driftSummaryLines(drift, oldFile), ...written.map((r) => `  ${r.format.padEnd(10)} ${r.file}`)].join("\n")}\n`);
      run(exitCode);
    });
}
