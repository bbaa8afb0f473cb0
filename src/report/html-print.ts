/**
 * The first page of the printable view (templates/partials/print-cover.hbs): what an auditor files
 * as evidence: the scan's scope (accounts, OUs, regions, filters), its time, the tool's version, each
 * policy's id, source and content hash, and the config hash. Plain strings, escaped by the template.
 * Long lists are capped so the first page stays a page; the full lists are in snapshot.json.
 */
import type { Snapshot } from "../model/index.js";
import type { ReportPolicy } from "./policy-catalog.js";

/** Account ids and OU paths listed on the first page at most. */
export const PRINT_LIST_LIMIT = 40;

const capped = (items: string[]) => ({ items: items.slice(0, PRINT_LIST_LIMIT), more: Math.max(0, items.length - PRINT_LIST_LIMIT), count: items.length });

export function printView(snapshot: Omit<Snapshot, "buckets" | "results">, policies: readonly ReportPolicy[]) {
  const inScope = snapshot.accounts.filter((a) => a.scope === "in-scope");
  const ous = [...new Set(inScope.map((a) => a.ouPath))].sort();
  const { filters } = snapshot.scan;
  return {
    accounts: capped(inScope.map((a) => `${a.id} ${a.name}`)),
    outOfScope: snapshot.accounts.length - inScope.length,
    ous: capped(ous),
    filterOus: filters.ous.join(", ") || "none",
    filterAccounts: filters.accounts.join(", ") || "all",
    excludedAccounts: filters.excludeAccounts.join(", ") || "none",
    policies: policies.map((p) => ({ id: p.id, severity: p.severity, source: p.source ?? "unknown", hash: p.hash ?? "unknown" })),
  };
}
