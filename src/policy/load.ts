/**
 * Loading: built-in policies (policies/*.json) and packs (policies/packs/*.json), then each
 * `--policies DIR` in order (a later file replaces an earlier one with the same id). Every file is
 * checked against the meta-schema, every schema compiled once; anything wrong is a PolicyError
 * naming the file and the JSON pointer, before any bucket is scanned.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { PolicyError } from "../errors.js";
import { contentHash } from "../hash.js";
import { SEVERITIES, type Severity } from "../model/index.js";
import { shippedPath } from "../paths.js";
import { escapePointer } from "../json-pointer.js";
import { MAX_POLICY_DEPTH, pointerBeyondDepth } from "./depth.js";
import { compileSchema, createPolicyAjv, createScopeAjv, metaError, metaValidators } from "./ajv.js";
import { cachedPolicy } from "./compile-cache.js";
import { splitAppliesTo } from "./applicability.js";
import { factsRead, policyFacts } from "./facts.js";
import { compileMessages } from "./messages.js";
import { resolveParameters, substitute } from "./parameters.js";
import type { LoadedPolicy, LoadOptions, PackFile, PolicyFile, PolicySet, PolicyText } from "./types.js";

export const BUILTIN_POLICY_DIR = shippedPath("policies");

/** What reports show for a policy file that leaves out its rationale or remediation (a minimal custom policy). */
export const DEFAULT_RATIONALE = "The policy file gives no rationale.";
export const DEFAULT_GUIDANCE = "The policy file gives no remediation guidance; see what the policy checks.";

interface Found<T> {
  file: string;
  source: string;
  content: T;
}

/** The policy and pack files of every directory, checked against each other, and the policies selected with their effective severity. */
async function findPolicies(options: Pick<LoadOptions, "dirs" | "packs">) {
  const policies = new Map<string, Found<PolicyFile>>();
  const packs = new Map<string, Found<PackFile>>();
  const dirs = [{ dir: BUILTIN_POLICY_DIR, source: "builtin" }, ...(options.dirs ?? []).map((dir) => ({ dir: resolve(dir), source: resolve(dir) }))];
  for (const { dir, source } of dirs) {
    // The built-in directory too must be there: without it an audit would check nothing and could exit 0.
    for (const found of await readDir<PolicyFile>(dir, source, true, "policy")) policies.set(found.content.id, found);
    for (const found of await readDir<PackFile>(join(dir, "packs"), source, false, "pack")) packs.set(found.content.name, found);
  }
  for (const pack of packs.values()) checkPack(pack, policies);
  const selectedPacks = options.packs ?? [];
  const selected = selectPolicies(selectedPacks, policies, packs);
  // Nothing to check is no verdict: an audit must not call an organization clean by checking nothing.
  // (A pack lists at least one policy, all of them loaded: only directories without policy files get here.)
  if (selected.size === 0) throw new PolicyError(`no policy to check: no policy file in ${dirs.map((d) => d.dir).join(", ")}`, { file: BUILTIN_POLICY_DIR });
  return { policies, packs, selectedPacks, selected };
}

/**
 * The selected policies' text (title, severity, rationale, remediation…), read and checked against
 * the meta-schema but not compiled: what rendering reports from a snapshot needs (`replguard report`,
 * `drift`), without the start-up of compiling every policy (about 1.3 CPU-s for the defaults).
 */
export async function loadPolicyTexts(options: Pick<LoadOptions, "dirs" | "packs"> = {}): Promise<PolicyText[]> {
  const { policies, selected } = await findPolicies(options);
  return [...selected.keys()].sort().map((id) => policyText(policies.get(id)!.content, selected.get(id)!));
}

/** What reports show of a policy, with the defaults for what a minimal policy file leaves out. */
function policyText(policy: PolicyFile, severity: Severity): PolicyText {
  return {
    id: policy.id,
    title: policy.title,
    severity,
    description: policy.description,
    rationale: policy.rationale ?? DEFAULT_RATIONALE,
    remediation: { guidance: DEFAULT_GUIDANCE, ...policy.remediation, fix: policy.remediation?.fix ?? "manual" },
    frameworks: policy.frameworks ?? {},
    links: policy.links ?? [],
  };
}

export async function loadPolicies(options: LoadOptions = {}): Promise<PolicySet> {
  const { policies, packs, selectedPacks, selected } = await findPolicies(options);
  for (const [policyId] of Object.entries(options.parameters ?? {})) {
    if (!policies.has(policyId)) {
      throw new PolicyError(`parameters.${policyId}: no policy "${policyId}" is loaded`, {
        file: options.parametersFile,
        pointer: `/parameters/${escapePointer(policyId)}`,
        policyId,
      });
    }
  }
  // Created only when a policy is not in the compile cache: a new instance compiles ajv's meta-schema again.
  let ajv: Ajv2020 | undefined;
  let scopeAjv: Ajv2020 | undefined;
  const loaded = [...selected.keys()].sort().map((id) => {
    const found = policies.get(id) as Found<PolicyFile>;
    const inPacks = [...packs.values()].filter((p) => p.content.policies.includes(id)).map((p) => p.content.name);
    const severity = selected.get(id) ?? found.content.severity;
    const inputs = [found.file, found.source, found.content, severity, inPacks, options.parameters?.[id], options.parametersFile];
    return cachedPolicy(inputs, () => compilePolicy({ full: (ajv ??= createPolicyAjv()), scope: (scopeAjv ??= createScopeAjv()) }, found, severity, inPacks, options));
  });
  const packRecord = Object.fromEntries([...packs.values()].map((p) => [p.content.name, { ...p.content, file: p.file }]));
  return { policies: loaded, packs: packRecord, selectedPacks };
}

async function readDir<T>(dir: string, source: string, mustExist: boolean, kind: "policy" | "pack"): Promise<Found<T>[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    if (!mustExist && (error as NodeJS.ErrnoException).code === "ENOENT") return [];
    const what = source === "builtin" ? "the built-in policy directory (this installation of replguard is incomplete)" : "policy directory";
    throw new PolicyError(`${dir}: cannot read ${what}: ${(error as Error).message}`, { file: dir, cause: error });
  }
  const validate = kind === "policy" ? metaValidators().policy : metaValidators().pack;
  const out: Found<T>[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const content = await readJson(file);
    if (!validate(content)) throw metaError(file, validate.errors, kind === "policy" ? policyIdOf(content) : undefined);
    const key = kind === "policy" ? (content as PolicyFile).id : (content as PackFile).name;
    const expected = basename(name, ".json");
    if (key !== expected) {
      const field = kind === "policy" ? "id" : "name";
      throw new PolicyError(`${file}: /${field} is "${key}" but the file is named ${name}; a ${kind}'s ${field} must equal its file name`, {
        file,
        pointer: `/${field}`,
        policyId: kind === "policy" ? key : undefined,
      });
    }
    out.push({ file, source, content: content as T });
  }
  return out;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PolicyError(`${file}: cannot read policy file: ${readProblem(error)}`, { file, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new PolicyError(`${file}: not valid JSON: ${(error as Error).message}`, { file, pointer: "", cause: error });
  }
  const tooDeep = pointerBeyondDepth(value, MAX_POLICY_DEPTH);
  if (tooDeep !== undefined) {
    throw new PolicyError(`${file}: ${tooDeep} is nested more than ${MAX_POLICY_DEPTH} levels deep; a policy may nest at most ${MAX_POLICY_DEPTH}`, {
      file,
      pointer: tooDeep,
    });
  }
  return value;
}

/** A read failure in words: the usual ones are a `*.json` that is a folder, or a link to nothing. */
function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return "it is a directory, not a file";
  if (code === "ENOENT") return "it does not exist (a symbolic link to nothing?)";
  if (code === "EACCES") return "permission denied";
  return code ?? String(error);
}

const policyIdOf = (content: unknown): string | undefined =>
  content && typeof content === "object" && typeof (content as { id?: unknown }).id === "string" ? (content as { id: string }).id : undefined;

function checkPack(pack: Found<PackFile>, policies: Map<string, Found<PolicyFile>>): void {
  pack.content.policies.forEach((id, i) => {
    if (!policies.has(id)) throw new PolicyError(`${pack.file}: /policies/${i}: no policy "${id}" is loaded`, { file: pack.file, pointer: `/policies/${i}`, policyId: id });
  });
  for (const id of Object.keys(pack.content.severity ?? {})) {
    if (!pack.content.policies.includes(id)) {
      const pointer = `/severity/${escapePointer(id)}`;
      throw new PolicyError(`${pack.file}: ${pointer}: "${id}" is not in this pack's policies`, { file: pack.file, pointer, policyId: id });
    }
  }
}

/** Selected policy ids with their effective severity: the most severe override among the selected packs. */
function selectPolicies(names: string[], policies: Map<string, Found<PolicyFile>>, packs: Map<string, Found<PackFile>>): Map<string, Severity> {
  if (names.length === 0) return new Map([...policies.values()].map((p) => [p.content.id, p.content.severity]));
  const selected = new Map<string, Severity>();
  for (const name of names) {
    const pack = packs.get(name);
    if (!pack) throw new PolicyError(`unknown pack "${name}" (known: ${[...packs.keys()].sort().join(", ") || "none"})`, {});
    for (const id of pack.content.policies) {
      const override = pack.content.severity?.[id] ?? (policies.get(id) as Found<PolicyFile>).content.severity;
      const current = selected.get(id);
      selected.set(id, current === undefined ? override : moreSevere(current, override));
    }
  }
  return selected;
}

const moreSevere = (a: Severity, b: Severity): Severity => (SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b);

function compilePolicy(ajvs: { full: Ajv2020; scope: Ajv2020 }, found: Found<PolicyFile>, severity: Severity, packs: string[], options: LoadOptions): LoadedPolicy {
  const { full: ajv, scope } = ajvs;
  const { file, source, content: policy } = found;
  const at = { file, policyId: policy.id };
  const parameters = resolveParameters(ajv, policy, file, options.parameters?.[policy.id], options.parametersFile);
  const appliesTo = substitute(policy.appliesTo, parameters, { ...at, pointer: "/appliesTo" });
  const check = substitute(policy.check, parameters, { ...at, pointer: "/check" });
  for (const [name, schema] of [["appliesTo", appliesTo], ["check", check]] as const) {
    // A parameter value from the config file can nest as deep as it likes.
    const tooDeep = pointerBeyondDepth(schema, MAX_POLICY_DEPTH);
    if (tooDeep !== undefined) {
      const pointer = `/${name}${tooDeep}`;
      throw new PolicyError(`${file}: ${pointer} is nested more than ${MAX_POLICY_DEPTH} levels deep after parameter substitution`, { ...at, pointer });
    }
    const [removed] = factsRead(schema).removed;
    if (removed !== undefined) {
      throw new PolicyError(`${file}: /${name} reads bucket.${removed[0]}, which the bucket document no longer has: ${removed[1]}`, { ...at, pointer: `/${name}` });
    }
  }
  const appliesToValidator = compileSchema(ajv, appliesTo, { ...at, pointer: "/appliesTo" });
  return {
    ...policyText(policy, severity),
    parameters,
    parameterDeclarations: policy.parameters ?? {},
    file,
    source,
    // Canonical JSON (keys sorted): formatting changes do not change a policy's identity.
    hash: contentHash(policy),
    packs,
    schemas: { appliesTo, check },
    facts: policyFacts(appliesTo, check),
    validators: {
      // Compiled (and its errors reported) as every schema is, then again for yes-or-no use only.
      appliesTo: compileSchema(scope, appliesTo, { ...at, pointer: "/appliesTo" }),
      check: compileSchema(ajv, check, { ...at, pointer: "/check" }),
      appliesToParts: splitAppliesTo(ajv, appliesTo, appliesToValidator, { ...at, pointer: "/appliesTo" }),
    },
    messages: compileMessages(policy.messages, at, { title: policy.title, severity, parameters: Object.keys(policy.parameters ?? {}) }),
  };
}
