/**
 * Nesting limit for policy files. ajv's compiler, the JSON Schema meta-schema check, the fact walk
 * and `policies explain` all recurse over a schema; a schema nested thousands of levels deep
 * overflows the stack inside them (an unexpected error, exit 4) instead of naming the file. The
 * built-in policies nest at most 16 levels; 64 leaves room for any readable policy. The check is
 * iterative, so it cannot overflow itself.
 */
export const MAX_POLICY_DEPTH = 64;

export { pointerBeyondDepth } from "../json-pointer.js";
