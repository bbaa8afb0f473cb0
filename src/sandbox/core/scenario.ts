/**
 * Loads a scenario (the built-in demo, a file, or an object), validates it against
 * schemas/scenario.schema.json and then checks what a schema cannot say (unique account ids and
 * bucket names, a management account that exists, S3's bucket-name rules). A bad scenario is one
 * ScenarioError naming the file and the JSON pointer of the first problem.
 */
import { readFile } from "node:fs/promises";
import { ScenarioError } from "../../errors.js";
import { shippedPath } from "../../paths.js";
import { schemaProblem, shippedValidator } from "../../schemas.js";
import { AWS_MANAGED_POLICIES } from "../iam/aws-managed.js";
import type { Scenario, ScenarioAccount } from "../types.js";

const at = (file: string, pointer: string, message: string): ScenarioError =>
  new ScenarioError(`Scenario ${file}: ${pointer === "" ? "(root)" : pointer} ${message}`, { file, pointer });

/** S3 bucket naming rules beyond the schema's pattern: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
export function bucketNameProblem(name: string): string | null {
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (name.includes(".-") || name.includes("-.")) return "must not contain a period next to a hyphen";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not be formatted as an IP address";
  if (name.startsWith("xn--") || name.startsWith("sthree-")) return "must not start with a reserved prefix (xn--, sthree-)";
  if (name.endsWith("-s3alias") || name.endsWith("--ol-s3") || name.endsWith(".mrap") || name.endsWith("--x-s3")) return "must not end with a reserved suffix";
  return null;
}

/** Role and key names are unique per account, and a role attaches only policies that exist. */
function checkIam(account: ScenarioAccount, pointer: string, file: string): void {
  const unique = (names: string[], field: string, what: string): void => {
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) throw at(file, `${pointer}/${field}/${i}`, `repeats ${what} "${name}" of account ${account.id}`);
    });
  };
  unique((account.roles ?? []).map((r) => r.name), "roles", "role name");
  unique((account.managedPolicies ?? []).map((p) => p.name), "managedPolicies", "policy name");
  unique((account.kmsKeys ?? []).map((k) => k.id), "kmsKeys", "key id");
  const aliases = (account.kmsKeys ?? []).map((k) => k.alias).filter((a): a is string => a !== undefined);
  unique(aliases, "kmsKeys", "alias");
  const own = new Set((account.managedPolicies ?? []).map((p) => `arn:aws:iam::${account.id}:policy${p.path ?? "/"}${p.name}`));
  (account.roles ?? []).forEach((role, i) => {
    (role.attachedPolicies ?? []).forEach((arn, j) => {
      if (own.has(arn) || AWS_MANAGED_POLICIES.has(arn)) return;
      const known = [...AWS_MANAGED_POLICIES.keys()].join(", ");
      throw at(file, `${pointer}/roles/${i}/attachedPolicies/${j}`, `attaches ${arn}, which is neither a managedPolicies entry of account ${account.id} nor an AWS managed policy the sandbox knows (${known})`);
    });
  });
}

function checkSemantics(scenario: Scenario, file: string): void {
  const accountIds = new Map<string, string>();
  const keyIds = new Map<string, string>();
  const bucketNames = new Map<string, string>();
  const groups: [string, ScenarioAccount[]][] = [
    ["accounts", scenario.accounts],
    ["externalAccounts", scenario.externalAccounts ?? []],
  ];
  for (const [group, accounts] of groups) {
    accounts.forEach((account, i) => {
      const pointer = `/${group}/${i}`;
      const seen = accountIds.get(account.id);
      if (seen !== undefined) throw at(file, `${pointer}/id`, `repeats account id ${account.id} (already at ${seen})`);
      accountIds.set(account.id, `${pointer}/id`);
      if (account.credentials !== undefined) {
        const other = keyIds.get(account.credentials.accessKeyId);
        if (other !== undefined) throw at(file, `${pointer}/credentials/accessKeyId`, `repeats the access key id at ${other}`);
        keyIds.set(account.credentials.accessKeyId, `${pointer}/credentials/accessKeyId`);
      }
      for (const name of (account.ou ?? "").split("/")) {
        if (name.length > 128) throw at(file, `${pointer}/ou`, "has an OU name longer than 128 characters");
      }
      checkIam(account, pointer, file);
      (account.buckets ?? []).forEach((bucket, j) => {
        const bucketPointer = `${pointer}/buckets/${j}/name`;
        const problem = bucketNameProblem(bucket.name);
        if (problem !== null) throw at(file, bucketPointer, `bucket name "${bucket.name}" ${problem}`);
        const other = bucketNames.get(bucket.name);
        if (other !== undefined) throw at(file, bucketPointer, `repeats bucket name "${bucket.name}" (already at ${other}); bucket names are global`);
        bucketNames.set(bucket.name, bucketPointer);
        const lock = bucket.objectLock;
        if (typeof lock === "object" && lock.days !== undefined && lock.years !== undefined) {
          throw at(file, `${pointer}/buckets/${j}/objectLock`, "sets both days and years; a default retention has one or the other");
        }
      });
    });
  }
  if (scenario.organization === null) {
    // A standalone account: the credentials startSandbox hands out are that one account's.
    if (scenario.accounts.length !== 1) throw at(file, "/accounts", "must hold exactly one account when /organization is null (an account in no organization)");
    return;
  }
  const management = accountIds.get(scenario.organization.managementAccountId);
  if (management === undefined || !management.startsWith("/accounts/")) {
    throw at(file, "/organization/managementAccountId", `names account ${scenario.organization.managementAccountId}, which is not in /accounts`);
  }
}

/** Validates a parsed scenario; `file` names it in errors. */
export async function validateScenario(data: unknown, file: string): Promise<Scenario> {
  const validate = shippedValidator("scenario.schema.json");
  if (!validate(data)) {
    const { pointer, message } = schemaProblem(validate.errors);
    throw at(file, pointer, message);
  }
  const scenario = data as Scenario;
  checkSemantics(scenario, file);
  return scenario;
}

/** "demo" (built in), a path to a scenario file, or a scenario object. */
export async function loadScenario(source: "demo" | string | Scenario): Promise<Scenario> {
  if (typeof source !== "string") return validateScenario(source, "(scenario object)");
  const file = source === "demo" ? shippedPath("scenarios", "demo.json") : source;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read (${(error as Error).message})`;
    throw new ScenarioError(`Scenario ${file} ${reason}`, { file, cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`Scenario ${file} is not valid JSON: ${(error as Error).message}`, { file, pointer: "", cause: error });
  }
  return validateScenario(data, file);
}
