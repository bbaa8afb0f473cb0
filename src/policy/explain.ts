/**
 * `replguard policies explain ID`: the policy in words (metadata, and the schemas rendered as
 * plain conditions such as `replication.rules[each].destination.versioning is "Enabled"`), then
 * the schemas themselves, after parameter substitution.
 */
import type { LoadedPolicy } from "./types.js";

export function explainPolicy(policy: LoadedPolicy): string {
  const lines: string[] = [];
  lines.push(`${policy.id}: ${policy.title}`);
  lines.push(`severity: ${policy.severity}    packs: ${policy.packs.join(", ") || "none"}    source: ${policy.source}`);
  lines.push(`file: ${policy.file}`, `sha256: ${policy.hash}`);
  const frameworks = Object.entries(policy.frameworks).map(([name, ids]) => `${name} ${ids.join(", ")}`);
  if (frameworks.length > 0) lines.push(`frameworks: ${frameworks.join("; ")}`);
  lines.push("", "What it checks:", indent(policy.description), "", "Why:", indent(policy.rationale));
  lines.push("", "Applies to buckets where:", ...bullets(describeSchema(policy.schemas.appliesTo)));
  lines.push("", "Passes when:", ...bullets(describeSchema(policy.schemas.check)));
  const facts = [...new Set([...policy.facts.appliesTo, ...policy.facts.check])];
  const destinationFacts = policy.facts.destinations.length > 0 ? `; of destination buckets: ${policy.facts.destinations.join(", ")}` : "";
  lines.push("", `Facts read: ${facts.join(", ") || "none"}${destinationFacts}`);
  const params = Object.entries(policy.parameterDeclarations);
  if (params.length > 0) {
    lines.push("", "Parameters (config file: parameters." + policy.id + ".<name>):");
    for (const [name, declaration] of params) {
      lines.push(`  ${name} = ${JSON.stringify(policy.parameters[name])}  (default ${JSON.stringify(declaration.default)})`, indent(declaration.description, 4));
    }
  }
  lines.push("", "Remediation:", indent(policy.remediation.guidance), `  fix: ${policy.remediation.fix}`);
  if (policy.remediation.cli) lines.push("  cli:", indent(policy.remediation.cli, 4));
  if (policy.remediation.terraform) lines.push("  terraform:", indent(policy.remediation.terraform, 4));
  if (policy.links.length > 0) lines.push("", "Links:", ...policy.links.map((link) => `  ${link}`));
  lines.push("", "appliesTo schema:", indent(JSON.stringify(policy.schemas.appliesTo, null, 2)));
  lines.push("", "check schema:", indent(JSON.stringify(policy.schemas.check, null, 2)));
  return `${lines.join("\n")}\n`;
}

const indent = (text: string, spaces = 2): string =>
  text
    .split("\n")
    .map((line) => " ".repeat(spaces) + line)
    .join("\n");

const bullets = (conditions: string[]): string[] => (conditions.length === 0 ? ["  - always"] : conditions.map((c) => `  - ${c}`));

const show = (value: unknown): string => JSON.stringify(value);

/** A JSON Schema as a list of conditions (all must hold), e.g. `replication.configured is true`. */
export function describeSchema(schema: unknown, path = "bucket", root: unknown = schema, depth = 0): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${path} never matches`];
  if (schema === null || typeof schema !== "object" || depth > 12) return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  const ref = s["$ref"];
  if (typeof ref === "string" && ref.startsWith("#/")) {
    const target = ref
      .slice(2)
      .split("/")
      .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
    out.push(...describeSchema(target, path, root, depth + 1));
  }
  if ("const" in s) out.push(`${path} is ${show(s["const"])}`);
  else if (Array.isArray(s["enum"])) out.push(`${path} is one of ${s["enum"].map(show).join(", ")}`);
  else if (s["type"] !== undefined) out.push(`${path} is of type ${([] as unknown[]).concat(s["type"]).join(" or ")}`);
  if (typeof s["pattern"] === "string") out.push(`${path} matches /${s["pattern"]}/`);
  for (const [keyword, words] of [["minItems", "has at least"], ["maxItems", "has at most"], ["minimum", "is at least"], ["maximum", "is at most"]] as const) {
    if (typeof s[keyword] === "number") out.push(`${path} ${words} ${s[keyword]}${keyword.endsWith("Items") ? " items" : ""}`);
  }
  for (const [key, sub] of Object.entries((s["properties"] ?? {}) as Record<string, unknown>)) out.push(...describeSchema(sub, `${path}.${key}`, root, depth + 1));
  if (s["items"] !== undefined) out.push(...describeSchema(s["items"], `${path}[each]`, root, depth + 1));
  if (s["contains"] !== undefined) out.push(group("at least one item", describeSchema(s["contains"], `${path}[some]`, root, depth + 1)));
  for (const sub of (s["allOf"] as unknown[] | undefined) ?? []) out.push(...describeSchema(sub, path, root, depth + 1));
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = s[keyword];
    if (Array.isArray(branches)) out.push(`${keyword === "anyOf" ? "any" : "exactly one"} of: ${branches.map((b) => `(${describeSchema(b, path, root, depth + 1).join(" and ") || "always"})`).join(" or ")}`);
  }
  if (s["not"] !== undefined) out.push(`not (${describeSchema(s["not"], path, root, depth + 1).join(" and ") || "always"})`);
  if (s["if"] !== undefined) {
    const cond = describeSchema(s["if"], path, root, depth + 1).join(" and ") || (s["if"] === false ? "never" : "always");
    const then = describeSchema(s["then"], path, root, depth + 1).join(" and ");
    const otherwise = describeSchema(s["else"], path, root, depth + 1).join(" and ");
    if (then) out.push(`if (${cond}) then (${then})${otherwise ? ` else (${otherwise})` : ""}`);
    else if (otherwise) out.push(`unless (${cond}): ${otherwise}`);
  }
  return out;
}

const group = (label: string, conditions: string[]): string => `${label}: ${conditions.join(" and ") || "any"}`;
