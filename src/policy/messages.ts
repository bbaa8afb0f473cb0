/**
 * Result sentences. Policies are data, so each one carries Handlebars templates (text, never
 * HTML-escaped: reports escape for their own medium) rendered with the bucket's own facts.
 *
 * Context: `bucket` (the bucket document), `account` (bucket.account), `params` (effective
 * parameter values), and for failures `rule`/`ruleIndex`/`destination` (the replication rule the
 * failing pointers are inside, if any), `pointer`/`actual`/`expected` (the first failing spot) and
 * `evidence` (every failing spot in that rule). Helpers: eq, ne, and, or, not, join, json, count,
 * plural, default.
 */
import Handlebars from "handlebars";
import { PolicyError } from "../errors.js";
import type { MessageTemplate, PolicyMessages } from "./types.js";

const handlebars = Handlebars.create();

handlebars.registerHelper({
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (value: unknown) => !value,
  /** `{{join list ", "}}`: list items joined; `{{join tags}}` on an object gives `k=v, k=v`. */
  join: (value: unknown, separator: unknown) => {
    const sep = typeof separator === "string" ? separator : ", ";
    if (Array.isArray(value)) return value.map(String).join(sep);
    if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(sep);
    return value === null || value === undefined ? "" : String(value);
  },
  json: (value: unknown) => JSON.stringify(value ?? null),
  /** Number of items of an array or keys of an object. */
  count: (value: unknown) => (Array.isArray(value) ? value.length : value && typeof value === "object" ? Object.keys(value).length : 0),
  /** `{{plural n "rule"}}` → `1 rule`, `2 rules`. */
  plural: (n: unknown, word: unknown) => `${String(n)} ${String(word)}${n === 1 ? "" : "s"}`,
  default: (value: unknown, fallback: unknown) => (value === null || value === undefined || value === "" ? fallback : value),
});

/** Compiles a policy's three templates; a syntax error is a PolicyError at `/messages/<status>`. */
export function compileMessages(messages: PolicyMessages, at: { file: string; policyId: string }): Record<keyof PolicyMessages, MessageTemplate> {
  const compile = (key: keyof PolicyMessages): MessageTemplate => {
    const source = messages[key];
    try {
      handlebars.parse(source);
    } catch (error) {
      const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new PolicyError(`${at.file}: /messages/${key} is not a valid template: ${detail}`, { ...at, pointer: `/messages/${key}`, cause: error });
    }
    const template = handlebars.compile(source, { noEscape: true });
    return (context) => tidy(template(context));
  };
  return { pass: compile("pass"), fail: compile("fail"), not_applicable: compile("not_applicable") };
}

/** Templates with {{#if}} blocks leave double spaces and line breaks; a sentence has neither. */
const tidy = (text: string): string => text.replace(/\s+/g, " ").replace(/\s+([,.;:])/g, "$1").trim();
