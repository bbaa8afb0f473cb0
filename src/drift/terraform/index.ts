/**
 * Drift from what Terraform declares: the library entry points. `terraformDrift` reads a
 * `terraform show -json` file (plan or state) and compares it with a snapshot. The report stage
 * writes the result (`src/report/terraform-drift.ts`); the types are in `src/model/terraform-drift.ts`.
 */
import { ExitCode } from "../../errors.js";
import type { Snapshot, TerraformDrift } from "../../model/index.js";
import { compareWithTerraform } from "./compare.js";
import { readTerraform } from "./read.js";

export { compareWithTerraform, matchRules } from "./compare.js";
export { readTerraform } from "./read.js";

/** Reads the Terraform file and compares what it declares with the snapshot's live buckets. */
export async function terraformDrift(file: string, snapshot: Snapshot): Promise<TerraformDrift> {
  return compareWithTerraform(await readTerraform(file), snapshot);
}

/**
 * The exit code a drift document calls for, by the README's precedence (3 > 5 > 0): 3 when
 * anything could not be compared (a fact not read, a value known only after apply, an incomplete
 * scan), because then "no drift" cannot be said; else 5 when something drifted; else 0.
 */
export function terraformDriftExitCode(drift: TerraformDrift): ExitCode {
  const uncompared = drift.counts["not-read"] + drift.counts["unknown-until-apply"] > 0 || !drift.snapshot.complete;
  if (uncompared) return ExitCode.Incomplete;
  return drift.drifted ? ExitCode.Drift : ExitCode.Ok;
}
