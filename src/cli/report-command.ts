/** `replguard report`: re-render reports from a JSON snapshot, with no AWS call. */
import { Command } from "commander";
import { REPORT_FORMATS, type ReportFormat } from "../report/types.js";
import { configField, formatList, splitList } from "./parse.js";
import { printOut } from "./terminal.js";

interface ReportFlags {
  format?: ReportFormat[];
  out?: string;
  policies?: string[];
}

export function reportCommand(): Command {
  return new Command("report")
    .description("Re-render reports from a snapshot.json, without scanning.")
    .argument("<snapshot>", "snapshot.json written by `replguard audit`")
    .option("--format <formats>", `report formats: ${REPORT_FORMATS.join(",")} or all (default html,csv,sarif)`, formatList)
    .option("--out <dir>", "report directory (default reports/<UTC timestamp>/, unique per run)", configField("out"))
    .option("--policies <dirs>", "policy directories the audit used, for the policies' help text (comma-separated)", splitList)
    .action(async (snapshotFile: string, flags: ReportFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const [{ defaultOutDir }, { loadPolicyTexts }, { checkSnapshotFile, openReportDir, writeReportsFromSnapshot }, { withInterruptCleanup }] = await Promise.all([
        import("../audit/out-dir.js"),
        import("../policy/index.js"),
        import("../report/index.js"),
        import("./interrupt.js"),
      ]);
      // Checked before the folder is made: a bad snapshot fails with nothing written.
      await checkSnapshotFile(snapshotFile);
      // Policy text (rationale, remediation) is not in the snapshot; read it again (nothing is
      // evaluated: not compiled). Policies the snapshot names but that no longer exist are
      // rendered from the snapshot's own refs.
      const policies = await loadPolicyTexts({ dirs: flags.policies });
      const dir = await openReportDir(flags.out ?? defaultOutDir(new Date()), { fresh: flags.out === undefined });
      const formats = flags.format ?? ["html", "csv", "sarif"];
      const written = await withInterruptCleanup(() => writeReportsFromSnapshot(snapshotFile, { outDir: dir.path, dir, formats, policies })).finally(() => dir.release());
      for (const report of written) printOut(`${report.format.padEnd(5)} ${report.file}\n`);
    });
}
