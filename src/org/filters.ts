/**
 * Scope: which accounts a scan reads. Order of reasons: not ACTIVE (suspended, closing) first, then
 * `--accounts`, `--exclude-accounts`, `--ou`. Out-of-scope accounts stay in the records with the reason.
 */
import { UsageError } from "../errors.js";
import type { AccountScope } from "../model/index.js";
import type { Organization, OrgAccount } from "./discover.js";

export interface AccountFilters {
  /** Only these account ids. */
  accounts?: string[];
  /** Never these account ids. */
  excludeAccounts?: string[];
  /** OU paths (`Workloads/Prod` or `Root/Workloads/Prod`) or OU/root ids; each includes everything under it. */
  ous?: string[];
}

export interface AccountScopeDecision {
  scope: AccountScope;
  scopeReason: string | null;
}

/** An `--ou` value resolved to the OU id it names. */
function resolveOu(org: Organization, value: string): string {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, "");
  if (org.units.has(trimmed)) return trimmed;
  const path = trimmed === org.rootName || trimmed.startsWith(`${org.rootName}/`) ? trimmed : `${org.rootName}/${trimmed}`;
  for (const unit of org.units.values()) if (unit.path === path) return unit.id;
  const known = [...org.units.values()].map((u) => u.path).sort();
  throw new UsageError(`--ou ${JSON.stringify(value)} names no organizational unit. Known OUs: ${known.join(", ")}`);
}

/** Decides each account's scope; throws UsageError for an `--ou` that names no OU. */
export function scopeAccounts(org: Organization, filters: AccountFilters): Map<string, AccountScopeDecision> {
  const only = filters.accounts === undefined || filters.accounts.length === 0 ? null : new Set(filters.accounts);
  // A mistyped id would otherwise scan nothing and say so nowhere.
  const members = new Set(org.accounts.map((a) => a.id));
  const unknown = [...(only ?? [])].filter((id) => !members.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`--accounts names ${unknown.join(", ")}, not ${unknown.length === 1 ? "an account" : "accounts"} of organization ${org.id}`, {
      accountId: unknown[0] ?? "",
    });
  }
  const excluded = new Set(filters.excludeAccounts ?? []);
  const ouIds = (filters.ous ?? []).map((ou) => ({ value: ou, id: resolveOu(org, ou) }));
  const decide = (account: OrgAccount): AccountScopeDecision => {
    if (account.status !== "ACTIVE") return { scope: "suspended", scopeReason: `account status is ${account.status}` };
    if (only !== null && !only.has(account.id)) return { scope: "excluded", scopeReason: "not listed in --accounts" };
    if (excluded.has(account.id)) return { scope: "excluded", scopeReason: "listed in --exclude-accounts" };
    if (ouIds.length > 0 && !ouIds.some((ou) => account.ouIds.includes(ou.id))) {
      return { scope: "excluded", scopeReason: `not under --ou ${ouIds.map((ou) => ou.value).join(", ")}` };
    }
    return { scope: "in-scope", scopeReason: null };
  };
  return new Map(org.accounts.map((a) => [a.id, decide(a)]));
}
