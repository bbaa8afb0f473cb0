/** Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool), run on a file: its error-level findings. */
import { execFile } from "node:child_process";
import { chmod, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { shippedPath } from "../../src/paths.js";

const MULTITOOL_DIR = shippedPath("node_modules", "@microsoft", "sarif-multitool-linux");
const MULTITOOL = join(MULTITOOL_DIR, "Sarif.Multitool");

/** The official SARIF 2.1.0 JSON schema, as the Multitool package ships it. */
export const SARIF_SCHEMA_FILE = join(MULTITOOL_DIR, "sarif-2.1.0.json");

/** Validates with the SARIF and GitHub rule sets (`--rule-kind "Gh;Sarif"`); returns the errors. */
export async function multitoolErrors(sarifFile: string): Promise<{ ruleId: string; text: string }[]> {
  // The npm package ships the Linux binary without its execute bit.
  if (((await stat(MULTITOOL)).mode & 0o111) === 0) await chmod(MULTITOOL, 0o755);
  const out = `${sarifFile}.validation.sarif`;
  // Exit status is non-zero when it finds errors; the findings are read from its output log,
  // and a run that produced no log fails the caller on the read below.
  await promisify(execFile)(MULTITOOL, ["validate", sarifFile, "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"], {
    timeout: 120_000,
  }).catch(() => undefined);
  const validation = JSON.parse(await readFile(out, "utf8")) as { runs: { results?: { level?: string; ruleId: string; message: unknown }[] }[] };
  return (validation.runs[0]?.results ?? [])
    .filter((r) => r.level === "error")
    .map((r) => ({ ruleId: r.ruleId, text: JSON.stringify(r.message) }));
}
