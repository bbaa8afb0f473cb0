/**
 * Reading statements rather than simulating requests: who a trust policy lets assume a role, and
 * which statements grant more than a bound (actions and resources). Action wildcards are expanded
 * with @cloud-copilot/iam-expand against AWS's published action list, so `s3:Replicate*` counts as
 * the three replication actions it names and `s3:*` as every S3 action.
 */
import { expandIamActions } from "@cloud-copilot/iam-expand";
import type { ExcessGrant, PolicyDocument, PolicyStatement } from "./types.js";

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

export const statementsOf = (document: PolicyDocument): PolicyStatement[] =>
  Array.isArray(document.Statement) ? document.Statement : [document.Statement];

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const isWildcard = (pattern: string): boolean => pattern.includes("*") || pattern.includes("?");

/**
 * Each pattern's RegExp, built once: the same few patterns are matched against every bucket of an
 * organization. Bounded, as patterns come from the organization's policies.
 */
const compiled = new Map<string, RegExp>();
function compile(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let regex = compiled.get(key);
  if (regex === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, caseInsensitive ? "i" : "");
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(key, regex);
  }
  return regex;
}

/** IAM's wildcard match: `*` any run of characters, `?` any one; actions are case-insensitive. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  if (!caseInsensitive && !isWildcard(pattern)) return pattern === value;
  return compile(pattern, caseInsensitive).test(value);
}

/**
 * `wildcardMatch(bound, value)` for any of many bounds, in time linear in the value rather than in
 * the bounds: a literal bound matches only itself (a Set), a bound whose only wildcard is one
 * trailing `*` matches the values it prefixes (a Set of prefixes, looked up at each length of the
 * value), and only the other patterns are tried one by one.
 */
export class PatternSet {
  private readonly literals = new Set<string>();
  private readonly prefixes = new Set<string>();
  private readonly prefixLengths = new Set<number>();
  private readonly others: string[] = [];
  private readonly wildcards: string[] = [];

  constructor(patterns: Iterable<string>) {
    for (const pattern of patterns) {
      if (!isWildcard(pattern)) {
        this.literals.add(pattern);
        continue;
      }
      this.wildcards.push(pattern);
      if (pattern.indexOf("*") === pattern.length - 1 && !pattern.includes("?")) {
        this.prefixes.add(pattern.slice(0, -1));
        this.prefixLengths.add(pattern.length - 1);
      } else this.others.push(pattern);
    }
  }

  /** Whether any pattern matches `value` (case-sensitive, as resources are). */
  matches(value: string): boolean {
    if (this.literals.has(value)) return true;
    // A RegExp's `.` matches no line terminator, which a prefix test would: such values take the slow way.
    if (LINE_TERMINATOR.test(value)) return this.wildcards.some((pattern) => wildcardMatch(pattern, value));
    for (const length of this.prefixLengths) if (length <= value.length && this.prefixes.has(value.slice(0, length))) return true;
    return this.others.some((pattern) => wildcardMatch(pattern, value));
  }
}

/** Principals as `Type:value` (`Service:s3.amazonaws.com`, `AWS:arn:aws:iam::111122223333:root`, `*`). */
function principalsOf(principal: unknown): string[] {
  if (principal === "*") return ["*"];
  if (typeof principal !== "object" || principal === null) return [];
  return Object.entries(principal).flatMap(([type, value]) => list(value).map((entry) => (entry === "*" ? "*" : `${type}:${entry}`)));
}

/**
 * Principals an Allow statement of a trust policy lets call sts:AssumeRole (or any sts:* it allows),
 * as written. An Allow with NotPrincipal trusts everyone but the principals named: `*`.
 */
export function trustedPrincipals(trust: PolicyDocument): string[] {
  const found = new Set<string>();
  for (const statement of statementsOf(trust)) {
    if (statement.Effect !== "Allow") continue;
    const actions = statement.NotAction === undefined ? list(statement.Action) : [];
    const assumes = actions.some((a) => wildcardMatch(a, "sts:AssumeRole", true)) || (statement.NotAction !== undefined && !list(statement.NotAction).some((a) => wildcardMatch(a, "sts:AssumeRole", true)));
    if (!assumes) continue;
    if (statement.NotPrincipal !== undefined) found.add("*");
    for (const principal of principalsOf(statement.Principal)) found.add(principal);
  }
  return [...found].sort();
}

/** Expands a pattern to the actions it names; a pattern naming no known action stands for itself. Once per pattern. */
const expansions = new Map<string, Promise<string[]>>();
function expand(pattern: string): Promise<string[]> {
  let actions = expansions.get(pattern);
  if (actions === undefined) {
    actions = expandIamActions(pattern).then((found) => (found.length > 0 ? found : [pattern.toLowerCase()]));
    if (expansions.size >= 10_000) expansions.clear();
    expansions.set(pattern, actions);
  }
  return actions;
}

/**
 * The Allow statements that grant more than `bounds`: an action pattern naming any action outside
 * `bounds.actions`, a resource pattern no bound resource pattern covers (`*` is covered by nothing
 * but `*`), and any NotAction / NotResource (they grant everything but what they name).
 */
export async function grantsBeyond(policies: ReadonlyArray<{ name: string; document: PolicyDocument }>, bounds: { actions: readonly string[]; resources: readonly string[] }): Promise<ExcessGrant[]> {
  const allowed = new Set(bounds.actions.map((a) => a.toLowerCase()));
  const coverage = new PatternSet(bounds.resources);
  const excess: ExcessGrant[] = [];
  for (const { name, document } of policies) {
    const statements = statementsOf(document);
    for (const [index, statement] of statements.entries()) {
      if (statement.Effect !== "Allow") continue;
      const actions: string[] = [];
      if (statement.NotAction !== undefined) actions.push(`NotAction ${list(statement.NotAction).join(",")}`);
      for (const pattern of list(statement.Action)) {
        if ((await expand(pattern)).some((action) => !allowed.has(action.toLowerCase()))) actions.push(pattern);
      }
      const resources: string[] = [];
      if (statement.NotResource !== undefined) resources.push(`NotResource ${list(statement.NotResource).join(",")}`);
      for (const pattern of list(statement.Resource)) {
        if (!coverage.matches(pattern)) resources.push(pattern);
      }
      if (actions.length > 0 || resources.length > 0) excess.push({ policy: name, statement: statement.Sid ?? `#${index}`, actions, resources });
    }
  }
  return excess;
}
