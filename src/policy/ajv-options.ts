/**
 * The options of the policy ajv instances (src/policy/ajv.ts), apart so the precompiled validators'
 * keys (src/policy/precompiled.ts) are made of the very options the instances use.
 */
import { linearRegExpEngine } from "./regex.js";

/**
 * The options every policy ajv shares; `allErrors` and `verbose` are what the two instances differ
 * in. `source` keeps the generated code, for the build to write out (scripts/precompile-schemas.js).
 */
export const policyAjvOptions = (detailed: boolean, source = false) =>
  ({
    allErrors: detailed,
    verbose: detailed,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    addUsedSchema: false,
    code: { regExp: linearRegExpEngine, source },
  }) as const;

/** The meta-schema's instance (policy and pack files): full strict mode. */
export const META_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;
