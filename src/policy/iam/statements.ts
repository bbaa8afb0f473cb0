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

/** IAM's wildcard match: `*` any run of characters, `?` any one; actions are case-insensitive. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
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

/** Expands a pattern to the actions it names; a pattern naming no known action stands for itself. */
async function expand(pattern: string): Promise<string[]> {
  const actions = await expandIamActions(pattern);
  return actions.length > 0 ? actions : [pattern.toLowerCase()];
}

/**
 * The Allow statements that grant more than `bounds`: an action pattern naming any action outside
 * `bounds.actions`, a resource pattern no bound resource pattern covers (`*` is covered by nothing
 * but `*`), and any NotAction / NotResource (they grant everything but what they name).
 */
export async function grantsBeyond(policies: ReadonlyArray<{ name: string; document: PolicyDocument }>, bounds: { actions: readonly string[]; resources: readonly string[] }): Promise<ExcessGrant[]> {
  const allowed = new Set(bounds.actions.map((a) => a.toLowerCase()));
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
        if (!bounds.resources.some((bound) => wildcardMatch(bound, pattern))) resources.push(pattern);
      }
      if (actions.length > 0 || resources.length > 0) excess.push({ policy: name, statement: statement.Sid ?? `#${index}`, actions, resources });
    }
  }
  return excess;
}
