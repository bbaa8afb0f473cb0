/**
 * Validators ajv generated at build time (scripts/precompile-schemas.js, its standalone code) for
 * what every run compiles the same way: the shipped schemas, the policy meta-schema and the default
 * policies' schemas. Compiling them took ~1 CPU-second in each process and worker that used them
 * (a spawned CLI, each test worker); loading the generated code takes a few milliseconds.
 *
 * A bundle is found by its key: the ajv and ajv-formats versions, the options of the instance that
 * compiled it and the text of every schema in it. Anything that changes what ajv would generate
 * changes the key, so a stale bundle is never found (it keeps its old name) and the schema is
 * compiled at run time as before; so is anything not in a bundle (a user's policies). In a bundle
 * of policy schemas, each validator is keyed by its schema's text as well.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { shippedPath } from "./paths.js";

const require = createRequire(import.meta.url);

/** Where the build writes the bundles: beside the code it emitted, so a release carries them. */
export const PRECOMPILED_DIR = shippedPath("dist", "precompiled");

const versionOf = (name: string): string => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
let versions: string | undefined;

/** SHA-256 of the parts (and the ajv and ajv-formats versions), hex: a bundle's key. */
export function precompiledKey(parts: readonly string[]): string {
  versions ??= `ajv@${versionOf("ajv")} ajv-formats@${versionOf("ajv-formats")}`;
  const hash = createHash("sha256").update(versions);
  for (const part of parts) hash.update("\0").update(part);
  return hash.digest("hex");
}

/** The file name of bundle `name` for `key` in `dir`. */
export const bundleFile = (name: string, key: string, dir = PRECOMPILED_DIR): string => join(dir, `${name}.${key}.cjs`);

/** One bundle's validators by name, each made on first use; `deps` are what the generated code refers to by name (the pattern engine). */
export type Bundle = (deps: Record<string, unknown>) => Record<string, () => ValidateFunction>;

/**
 * Bundle `name` with `key` in `dir`, or undefined when the build wrote none with that key. The
 * generated code `require`s ajv's runtime and ajv-formats through this module's `require`: the same
 * modules the compiling path would use.
 */
export function loadBundle(name: string, key: string, dir = PRECOMPILED_DIR): Bundle | undefined {
  const file = bundleFile(name, key, dir);
  if (!existsSync(file)) return undefined;
  const bundle = require(file) as Bundle;
  return (deps) => bundle({ require, ...deps });
}
