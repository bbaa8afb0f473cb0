/**
 * Nesting limit for policy files. ajv's compiler, the JSON Schema meta-schema check, the fact walk
 * and `policies explain` all recurse over a schema; a schema nested thousands of levels deep
 * overflows the stack inside them (an unexpected error, exit 4) instead of naming the file. The
 * built-in policies nest at most 16 levels; 64 leaves room for any readable policy. The check is
 * iterative, so it cannot overflow itself.
 */
import { appendPointer } from "../json-pointer.js";

export const MAX_POLICY_DEPTH = 64;

/**
 * The pointer of the first object or array nested deeper than `max` levels (the top-level value
 * is level 1), or undefined when there is none.
 */
export function pointerBeyondDepth(value: unknown, max: number): string | undefined {
  const stack: { node: unknown; depth: number; pointer: string }[] = [{ node: value, depth: 1, pointer: "" }];
  while (stack.length > 0) {
    const { node, depth, pointer } = stack.pop() as { node: unknown; depth: number; pointer: string };
    if (node === null || typeof node !== "object") continue;
    if (depth > max) return pointer;
    for (const [key, child] of Object.entries(node)) stack.push({ node: child, depth: depth + 1, pointer: appendPointer(pointer, key) });
  }
  return undefined;
}
