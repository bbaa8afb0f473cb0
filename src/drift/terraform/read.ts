/**
 * Reading the JSON that `terraform show -json` writes, for a saved plan (`planned_values`, with
 * `resource_changes[].change.after_unknown` saying what is known only after apply) or for state
 * (`values`), walking child modules. Anything else (a raw `.tfstate`, a binary plan, another major
 * `format_version`, a plan that errored) is refused with one line naming the file.
 * Format: https://developer.hashicorp.com/terraform/internals/json-format
 */
import { readFile } from "node:fs/promises";
import { TerraformError } from "../../errors.js";
import { declareBuckets } from "./normalise.js";
import type { TerraformDeclaration } from "../../model/terraform-drift.js";

/** The resource types replguard reads; other resources are ignored. */
export const TERRAFORM_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_replication_configuration",
  "aws_s3_bucket_object_lock_configuration",
] as const;
export type TerraformType = (typeof TERRAFORM_TYPES)[number];

/** One managed resource instance of a type above, as planned or as in state. */
export interface TerraformResource {
  address: string;
  type: TerraformType;
  /** Attribute values; in a plan, unknown attributes are absent here. */
  values: Record<string, unknown>;
  /** Paths (`rule.0.destination.0.bucket`) of attributes known only after apply. */
  unknown: string[];
  /** The plan creates this resource (`create`, alone or in a replacement); false for state. */
  created: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export const terraformError = (file: string, problem: string, pointer?: string): TerraformError =>
  new TerraformError(`${file}: ${problem}`, { file, ...(pointer === undefined ? {} : { pointer }) });

/** `after_unknown` → the paths marked `true` in it. */
export function unknownPaths(afterUnknown: unknown, prefix = ""): string[] {
  if (afterUnknown === true) return [prefix];
  const entries = Array.isArray(afterUnknown) ? afterUnknown.map((v, i) => [String(i), v] as const) : isObject(afterUnknown) ? Object.entries(afterUnknown) : [];
  return entries.flatMap(([key, value]) => unknownPaths(value, prefix === "" ? key : `${prefix}.${key}`));
}

/** Every managed resource of the module and its child modules, depth first, with the JSON pointer of each. */
function* moduleResources(module: unknown, pointer: string, file: string): Generator<{ resource: Record<string, unknown>; pointer: string }> {
  if (module === undefined) return;
  if (!isObject(module)) throw terraformError(file, `${pointer} is not a module object`, pointer);
  const resources = module.resources ?? [];
  if (!Array.isArray(resources)) throw terraformError(file, `${pointer}/resources is not a list`, `${pointer}/resources`);
  for (const [i, resource] of resources.entries()) {
    if (!isObject(resource)) throw terraformError(file, `${pointer}/resources/${i} is not a resource object`, `${pointer}/resources/${i}`);
    yield { resource, pointer: `${pointer}/resources/${i}` };
  }
  const children = module.child_modules ?? [];
  if (!Array.isArray(children)) throw terraformError(file, `${pointer}/child_modules is not a list`, `${pointer}/child_modules`);
  for (const [i, child] of children.entries()) yield* moduleResources(child, `${pointer}/child_modules/${i}`, file);
}

/** Refuses what is not `terraform show -json` output, with a hint at the command that makes it. */
function checkShape(json: unknown, file: string): Record<string, unknown> {
  if (!isObject(json)) throw terraformError(file, "not the JSON of `terraform show -json` (not a JSON object)");
  if (Array.isArray(json.resources) && typeof json.version === "number") {
    throw terraformError(file, "this is a raw Terraform state file, not `terraform show -json` output; run `terraform show -json > state.json`");
  }
  const version = json.format_version;
  if (typeof version !== "string") throw terraformError(file, "not the JSON of `terraform show -json` (no format_version)", "/format_version");
  if (!version.startsWith("1.")) throw terraformError(file, `format_version ${version} is not readable by this replguard (it reads 1.x)`, "/format_version");
  if (json.errored === true) throw terraformError(file, "the plan errored (`errored: true`), so its planned values are incomplete; fix the plan first", "/errored");
  return json;
}

/** Reads and checks a `terraform show -json` file and returns what it declares about S3 buckets. */
export async function readTerraform(file: string): Promise<TerraformDeclaration> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new TerraformError(`cannot read Terraform file ${file}: ${(cause as Error).message}`, { file, cause, ...(code ? { code } : {}) });
  }
  if (text.startsWith("PK")) {
    throw terraformError(file, "this is a binary plan file; run `terraform show -json plan.bin > plan.json` and pass plan.json");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw terraformError(file, `not JSON: ${(cause as Error).message}`);
  }
  return declarationOf(checkShape(json, file), file);
}

/** The resources of a checked document, then what they declare per bucket. */
export function declarationOf(json: Record<string, unknown>, file: string): TerraformDeclaration {
  const isPlan = json.planned_values !== undefined || json.resource_changes !== undefined;
  const root = isPlan ? (json.planned_values as Record<string, unknown> | undefined)?.root_module : (json.values as Record<string, unknown> | undefined)?.root_module;
  const rootPointer = isPlan ? "/planned_values/root_module" : "/values/root_module";
  if (isPlan && !isObject(json.planned_values)) throw terraformError(file, "a plan without planned_values", "/planned_values");
  const changes = isPlan ? changesByAddress(json.resource_changes, file) : new Map<string, PlannedChange>();
  const resources: TerraformResource[] = [];
  for (const { resource, pointer } of moduleResources(root, rootPointer, file)) {
    if (resource.mode !== "managed" || !(TERRAFORM_TYPES as readonly unknown[]).includes(resource.type)) continue;
    if (typeof resource.address !== "string") throw terraformError(file, `${pointer} has no address`, `${pointer}/address`);
    const values = resource.values ?? {};
    if (!isObject(values)) throw terraformError(file, `${resource.address}: values is not an object`, `${pointer}/values`);
    resources.push({ address: resource.address, type: resource.type as TerraformType, values, unknown: changes.get(resource.address)?.unknown ?? [], created: changes.get(resource.address)?.created ?? false });
  }
  if (resources.length === 0) {
    throw terraformError(file, `declares no ${TERRAFORM_TYPES.join(", ")} resource: nothing to compare (is it the right workspace, and not an empty state?)`);
  }
  const terraformVersion = typeof json.terraform_version === "string" ? json.terraform_version : null;
  const { buckets, unplaced } = declareBuckets(resources, file);
  return { file, kind: isPlan ? "plan" : "state", formatVersion: json.format_version as string, terraformVersion, buckets, unplaced };
}

interface PlannedChange {
  unknown: string[];
  created: boolean;
}

function changesByAddress(changes: unknown, file: string): Map<string, PlannedChange> {
  const byAddress = new Map<string, PlannedChange>();
  if (changes === undefined) return byAddress;
  if (!Array.isArray(changes)) throw terraformError(file, "resource_changes is not a list", "/resource_changes");
  for (const change of changes) {
    if (!isObject(change) || typeof change.address !== "string" || !isObject(change.change)) continue;
    const actions = Array.isArray(change.change.actions) ? change.change.actions : [];
    byAddress.set(change.address, { unknown: unknownPaths(change.change.after_unknown), created: actions.includes("create") });
  }
  return byAddress;
}
