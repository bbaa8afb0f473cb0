/**
 * The policy side of the precompiled validators (src/precompiled.ts): the meta-schema's, and the
 * schemas of the default policies as each instance kind compiled them when the build loaded them
 * (scripts/precompile-schemas.js). A policy schema is looked up by its exact JSON text (as
 * compileSchema keys its own cache) in the bundle of its instance's kind; a user's policy, or one
 * whose parameters make another text, is not there and compiles as before.
 */
import { createHash } from "node:crypto";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { loadBundle, PRECOMPILED_DIR, precompiledKey, type Bundle } from "../precompiled.js";
import { META_OPTIONS, policyAjvOptions } from "./ajv-options.js";
import { linearRegExpEngine } from "./regex.js";

export type PolicyAjvKind = "full" | "scope";

let generatingSources = false;
/** Whether this process is the build writing the bundles: it compiles everything, keeping the code. */
export const generating = (): boolean => generatingSources;
/** Makes this process the build's (scripts/precompile-schemas.js): no bundle is read, every compile is recorded. */
export function generateSources(): void {
  generatingSources = true;
}
/** The policy schemas compiled while generating, in order. */
export const generated: { kind: PolicyAjvKind; text: string; validate: ValidateFunction; ajv: Ajv2020 }[] = [];

/** What the generated code of a policy schema refers to by name: the linear-time pattern engine, by its `code`. */
export const POLICY_DEPS: Record<string, unknown> = { [linearRegExpEngine.code as string]: linearRegExpEngine };

/** A policy schema's name in its bundle: the SHA-256 of its JSON text. */
export const schemaName = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The bundle of one instance kind's policy schemas: keyed by its options (the pattern engine by name). */
export const policyBundle = (kind: PolicyAjvKind): { name: string; key: string } => ({
  name: `policy-${kind}`,
  key: precompiledKey(["policy", kind, JSON.stringify(policyAjvOptions(kind === "full")), String(linearRegExpEngine.code)]),
});

/** The meta-schema's bundle for its `text`. */
export const metaBundle = (text: string): { name: string; key: string } => ({ name: "policy-meta", key: precompiledKey(["meta", JSON.stringify(META_OPTIONS), text]) });

/** Each kind's bundle, by folder (tests read theirs), loaded once: null when there is none. */
const bundles = new Map<string, Record<string, () => ValidateFunction> | null>();

/** The precompiled validator of a policy schema with JSON `text` on a `kind` instance, if the build made one (in `dir`). */
export function precompiledPolicySchema(kind: PolicyAjvKind, text: string, dir = PRECOMPILED_DIR): ValidateFunction | undefined {
  let bundle = bundles.get(`${kind}\0${dir}`);
  if (bundle === undefined) {
    const { name, key } = policyBundle(kind);
    bundles.set(`${kind}\0${dir}`, (bundle = loadBundle(name, key, dir)?.(POLICY_DEPS) ?? null));
  }
  return bundle?.[schemaName(text)]?.();
}

/** The meta-schema's precompiled validators for its `text`, if the build made them (in `dir`). */
export function precompiledMeta(text: string, dir = PRECOMPILED_DIR): { policy: ValidateFunction; pack: ValidateFunction } | undefined {
  const { name, key } = metaBundle(text);
  const bundle: ReturnType<Bundle> | undefined = loadBundle(name, key, dir)?.({});
  const [policy, pack] = [bundle?.["policy"], bundle?.["pack"]];
  return policy && pack ? { policy: policy(), pack: pack() } : undefined;
}
