/** Writes a plan folder: plan.json, fix.sh (+ replication/*.json), fix.tf. */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SnapshotError } from "../errors.js";
import { schemaProblem, shippedValidator } from "../schemas.js";
import { fixScript } from "./script.js";
import { fixTerraform } from "./terraform.js";
import type { FixPlan } from "./types.js";

export interface WrittenPlan {
  dir: string;
  files: string[];
}

export async function writePlanFiles(plan: FixPlan, dir: string): Promise<WrittenPlan> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    files.push(file);
  };
  await put("plan.json", `${JSON.stringify(plan, null, 2)}\n`);
  const { script, files: jsonFiles } = fixScript(plan);
  for (const [name, text] of jsonFiles) await put(name, text);
  await put("fix.sh", script);
  await chmod(join(dir, "fix.sh"), 0o755);
  await put("fix.tf", fixTerraform(plan));
  return { dir, files };
}

/** Reads and validates a plan.json against schemas/fix-plan.schema.json. */
export async function readPlan(file: string): Promise<FixPlan> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new SnapshotError(`cannot read plan ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  const validate = shippedValidator("fix-plan.schema.json");
  if (!validate(value)) {
    const { pointer, message } = schemaProblem(validate.errors);
    throw new SnapshotError(`plan ${file}: ${pointer || "/"} ${message}`, { file, pointer });
  }
  return value as FixPlan;
}
