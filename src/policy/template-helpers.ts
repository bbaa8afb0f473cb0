/**
 * The helpers a message template may call, each with its arity. The table is read twice: when a
 * policy is loaded (template-check.ts refuses an unknown helper or a wrong number of arguments,
 * naming `/messages/<status>`), and when a template runs (each helper checks its arguments again,
 * so a call the static check could not see never hands Handlebars' `options` object to the code
 * below, which would print its internals into a report).
 */
import type { HelperDelegate } from "handlebars";

/** A template problem found while rendering; evaluate.ts makes it an `error` result. */
export class TemplateRenderError extends Error {
  override name = "TemplateRenderError";
}

export interface HelperSpec {
  /** Fewest and most positional arguments (Infinity: any number). */
  min: number;
  max: number;
  /** How the arguments read, for messages: `{{join list separator?}}`. */
  usage: string;
  /** `block`: only as `{{#name}}…{{/name}}`; `value`: only inline or as `(name …)`. */
  form: "block" | "value";
  /**
   * Whether its arguments must have a value: a value helper that prints (`join`, `json`…) of a
   * field the bucket lacks would print an empty or misleading sentence; a test (`eq`, `if`,
   * `default`) is where a missing field is expected.
   */
  needsValues: boolean;
}

/** Handlebars' own helpers that a template may use; the rest (`log`, `helperMissing`…) are refused. */
export const BUILTIN_HELPERS: Record<string, HelperSpec> = {
  if: { min: 1, max: 1, usage: "{{#if value}}…{{else}}…{{/if}}", form: "block", needsValues: false },
  unless: { min: 1, max: 1, usage: "{{#unless value}}…{{/unless}}", form: "block", needsValues: false },
  each: { min: 1, max: 1, usage: "{{#each list}}…{{/each}}", form: "block", needsValues: false },
  with: { min: 1, max: 1, usage: "{{#with object}}…{{/with}}", form: "block", needsValues: false },
  lookup: { min: 2, max: 2, usage: "{{lookup object key}}", form: "value", needsValues: false },
};

const show = (value: unknown): string => (value === null || value === undefined ? "" : String(value));

/** replguard's helpers: [spec, implementation over the positional arguments only]. */
const CUSTOM: Record<string, [HelperSpec, (...args: unknown[]) => unknown]> = {
  eq: [{ min: 2, max: 2, usage: "{{eq a b}}", form: "value", needsValues: false }, (a, b) => a === b],
  ne: [{ min: 2, max: 2, usage: "{{ne a b}}", form: "value", needsValues: false }, (a, b) => a !== b],
  and: [{ min: 2, max: Infinity, usage: "{{and a b …}}", form: "value", needsValues: false }, (...args) => args.every(Boolean)],
  or: [{ min: 2, max: Infinity, usage: "{{or a b …}}", form: "value", needsValues: false }, (...args) => args.some(Boolean)],
  not: [{ min: 1, max: 1, usage: "{{not value}}", form: "value", needsValues: false }, (value) => !value],
  /** `{{join list ", "}}`: list items joined; `{{join tags}}` on an object gives `k=v, k=v`. */
  join: [
    { min: 1, max: 2, usage: "{{join list separator?}}", form: "value", needsValues: true },
    (value, separator) => {
      const sep = typeof separator === "string" ? separator : ", ";
      if (Array.isArray(value)) return value.map(show).join(sep);
      if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}=${show(v)}`).join(sep);
      return show(value);
    },
  ],
  json: [{ min: 1, max: 1, usage: "{{json value}}", form: "value", needsValues: true }, (value) => JSON.stringify(value ?? null)],
  /** Number of items of an array or keys of an object. */
  count: [
    { min: 1, max: 1, usage: "{{count list}}", form: "value", needsValues: true },
    (value) => (Array.isArray(value) ? value.length : value && typeof value === "object" ? Object.keys(value).length : 0),
  ],
  /** `{{plural n "rule"}}` → `1 rule`, `2 rules`. */
  plural: [{ min: 2, max: 2, usage: '{{plural n "word"}}', form: "value", needsValues: true }, (n, word) => `${show(n)} ${show(word)}${n === 1 ? "" : "s"}`],
  default: [
    { min: 2, max: 2, usage: '{{default value "fallback"}}', form: "value", needsValues: false },
    (value, fallback) => (value === null || value === undefined || value === "" ? fallback : value),
  ],
};

/** Every helper a template may call, by name. */
export const HELPER_SPECS: Record<string, HelperSpec> = {
  ...BUILTIN_HELPERS,
  ...Object.fromEntries(Object.entries(CUSTOM).map(([name, [spec]]) => [name, spec])),
};

/** Arity in words: `1 argument`, `1 or 2 arguments`, `at least 2 arguments`. */
export function arityWords(spec: HelperSpec): string {
  const noun = (n: number): string => `${n} argument${n === 1 ? "" : "s"}`;
  if (spec.max === Infinity) return `at least ${noun(spec.min)}`;
  if (spec.min === spec.max) return noun(spec.min);
  return `${spec.min} or ${noun(spec.max)}`;
}

/** A custom helper's spec and implementation (positional arguments only), for a renderer that checks arity once, when it compiles the call. */
export const customHelper = (name: string): [HelperSpec, (...args: unknown[]) => unknown] | undefined => (Object.hasOwn(CUSTOM, name) ? CUSTOM[name] : undefined);

/** The custom helpers, each checking its arity before it runs. Handlebars passes `options` last. */
export function registeredHelpers(): Record<string, HelperDelegate> {
  return Object.fromEntries(
    Object.entries(CUSTOM).map(([name, [spec, run]]) => [
      name,
      (...withOptions: unknown[]) => {
        const args = withOptions.slice(0, -1);
        if (args.length < spec.min || args.length > spec.max) {
          throw new TemplateRenderError(`${spec.usage} takes ${arityWords(spec)}, got ${args.length}`);
        }
        return run(...args);
      },
    ]),
  );
}

/**
 * Inserted by template-check.ts around every value a template prints (`{{bucket.name}}`) and
 * every argument of a helper that needs values: a field the bucket does not have stops the
 * rendering with the path it read, instead of an empty or `[object Object]` sentence.
 */
export const valueHelpers: Record<string, HelperDelegate> = {
  /** `(__print value "path")`: a printable value (string, number, boolean). */
  __print: (value: unknown, path: unknown) => {
    if (value === undefined || value === null) throw new TemplateRenderError(`it prints {{${String(path)}}}, which is ${missingWords(value)}`);
    if (typeof value === "object") {
      const what = Array.isArray(value) ? "a list" : "an object";
      throw new TemplateRenderError(`it prints {{${String(path)}}}, which is ${what}; use {{join ${String(path)}}} or {{json ${String(path)}}}`);
    }
    return value;
  },
  /** `(__defined value "path" "helper")`: any value but undefined. */
  __defined: (value: unknown, path: unknown, helper: unknown) => {
    if (value === undefined) throw new TemplateRenderError(`it passes ${String(path)} to {{${String(helper)}}}, and it is ${missingWords(value)}`);
    return value;
  },
};

const missingWords = (value: unknown): string => (value === null ? "null here" : "missing here (no such field on this bucket or rule)");
