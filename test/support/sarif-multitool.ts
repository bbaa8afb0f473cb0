/** Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool), run on a file: its error-level findings. */
import { execFile } from "node:child_process";
import { chmod, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { shippedPath } from "../../src/paths.js";

const MULTITOOL_DIR = shippedPath("node_modules", "@microsoft", "sarif-multitool-linux");
const MULTITOOL = join(MULTITOOL_DIR, "Sarif.Multitool");

/** The official SARIF 2.1.0 JSON schema, as the Multitool package ships it. */
export const SARIF_SCHEMA_FILE = join(MULTITOOL_DIR, "sarif-2.1.0.json");

/**
 * Validates with the SARIF and GitHub rule sets (`--rule-kind "Gh;Sarif"`): each file's errors.
 * Several files in one Multitool run: each start costs about a CPU-second of .NET start-up and
 * rule loading. Each file's errors are told apart by the artifact location of the result.
 */
export async function multitoolErrorsOf(sarifFiles: readonly string[]): Promise<Map<string, { ruleId: string; text: string }[]>> {
  // The npm package ships the Linux binary without its execute bit.
  if (((await stat(MULTITOOL)).mode & 0o111) === 0) await chmod(MULTITOOL, 0o755);
  const out = `${sarifFiles[0]}.validation.sarif`;
  // Exit status is non-zero when it finds errors; the findings are read from its output log,
  // and a run that produced no log fails the caller on the read below.
  await promisify(execFile)(MULTITOOL, ["validate", ...sarifFiles, "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"], {
    timeout: 120_000,
  }).catch(() => undefined);
  type Result = { level?: string; ruleId: string; message: unknown; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] };
  const validation = JSON.parse(await readFile(out, "utf8")) as { runs: { results?: Result[] }[] };
  const byFile = new Map(sarifFiles.map((file) => [file, [] as { ruleId: string; text: string }[]]));
  const byUri = new Map(sarifFiles.map((file) => [pathToFileURL(file).href, file]));
  for (const result of validation.runs[0]?.results ?? []) {
    if (result.level !== "error") continue;
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
    const file = sarifFiles.length === 1 ? sarifFiles[0]! : byUri.get(uri ?? "");
    if (file === undefined) throw new Error(`Multitool error ${result.ruleId} names no file given (${uri ?? "no location"})`);
    byFile.get(file)!.push({ ruleId: result.ruleId, text: JSON.stringify(result.message) });
  }
  return byFile;
}
