/**
 * `replguard drift OLD NEW`: what changed between two snapshots, with no AWS call at all. Writes
 * drift.json / drift.csv, and the new snapshot's SARIF (with baselineState) and HTML (opening with
 * the drift) for `sarif` / `html`. `replguard drift --terraform FILE SNAPSHOT` compares a snapshot
 * with what a `terraform show -json` file declares instead (docs/terraform.md).
 */
import { Command, Option } from "commander";
import { ExitCode, UsageError } from "../errors.js";
import { FAIL_ON_DRIFT, type FailOnDrift } from "../model/index.js";
import { DRIFT_FORMATS, type DriftFormat, type ReportFormat } from "../report/types.js";
import { driftSummaryLines } from "./drift-summary.js";
import { configField, formatList, splitList } from "./parse.js";
import { printOut } from "./terminal.js";

interface DriftFlags {
  format?: ReportFormat[];
  out?: string;
  policies?: string[];
  failOnDrift?: FailOnDrift;
  quiet?: boolean;
  json?: boolean;
  terraform?: string;
}

export function driftCommand(run: (exitCode: number) => void): Command {
  return new Command("drift")
    .description("Compare two snapshots: configuration, compliance, scope and policy changes. No AWS call.")
    .argument("<old>", "the baseline snapshot.json (with --terraform: the snapshot to compare)")
    .argument("[new]", "the current snapshot.json")
    .option("--terraform <file>", "compare the snapshot with what this `terraform show -json` file (plan or state) declares: terraform-drift.json/.csv")
    .option("--format <formats>", "json (drift.json), csv (drift.csv), sarif and html (the new snapshot's reports with the drift), or all (default json,csv)", formatList)
    .option("--out <dir>", "report directory (default reports/<UTC timestamp>/, unique per run)", configField("out"))
    .option("--policies <dirs>", "policy directories the audits used, for the policies' help text in sarif/html (comma-separated)", splitList)
    .addOption(new Option("--fail-on-drift <when>", "exit 5 on new failures, or on any change").choices([...FAIL_ON_DRIFT]))
    .option("--quiet", "no summary line")
    .option("--json", "print the summary as JSON on stdout")
    .action(async (oldFile: string, newFile: string | undefined, flags: DriftFlags) => {
      if (flags.terraform !== undefined) {
        if (newFile !== undefined) throw new UsageError("drift --terraform FILE takes one snapshot: replguard drift --terraform plan.json SNAPSHOT");
        if (flags.format !== undefined || flags.policies !== undefined) throw new UsageError("drift --terraform writes terraform-drift.json and .csv: drop --format and --policies");
        const { terraformDriftAction } = await import("./terraform-drift.js");
        const code = await terraformDriftAction(flags.terraform, oldFile, flags);
        // As with two snapshots, drift alone exits 5 only when asked to (--fail-on-drift).
        run(code === ExitCode.Drift && flags.failOnDrift === undefined ? ExitCode.Ok : code);
        return;
      }
      if (newFile === undefined) throw new UsageError("drift needs two snapshots (replguard drift OLD NEW), or --terraform FILE and one snapshot");
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const [{ defaultOutDir }, { diffSnapshotFiles, driftFails }, { loadPolicyTexts }, { openReportDir, writeReportsFromSnapshot }, { withInterruptCleanup }] = await Promise.all([
        import("../audit/out-dir.js"),
        import("../drift/index.js"),
        import("../policy/index.js"),
        import("../report/index.js"),
        import("./interrupt.js"),
      ]);
      const drift = await diffSnapshotFiles(oldFile, newFile);
      const requested = flags.format ?? ["json", "csv"];
      const formats = requested.filter((f) => f === "sarif" || f === "html");
      const driftFormats = requested.filter((f): f is DriftFormat => (DRIFT_FORMATS as readonly string[]).includes(f));
      const policies = formats.length > 0 ? await loadPolicyTexts({ dirs: flags.policies }) : [];
      const dir = await openReportDir(flags.out ?? defaultOutDir(new Date()), { fresh: flags.out === undefined });
      const written = await withInterruptCleanup(() =>
        writeReportsFromSnapshot(newFile, { outDir: dir.path, dir, formats, policies, baselineFile: oldFile, drift, driftFormats }),
      ).finally(() => dir.release());
      const exitCode = flags.failOnDrift !== undefined && driftFails(drift, flags.failOnDrift) ? ExitCode.Drift : ExitCode.Ok;
      if (flags.json) printOut(`${JSON.stringify({ exitCode, baseline: oldFile, current: newFile, ...drift.summary, reports: written }, null, 2)}\n`);
      else if (!flags.quiet) printOut(`${[...driftSummaryLines(drift, oldFile), ...written.map((r) => `  ${r.format.padEnd(10)} ${r.file}`)].join("\n")}\n`);
      run(exitCode);
    });
}
