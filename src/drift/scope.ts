/**
 * Scope drift: accounts that joined or left the organization, lost (or regained) the audit role,
 * were suspended (or reactivated), moved OU, or moved in or out of the filters' scope.
 */
import type { AccountRecord, ScopeChange, Snapshot } from "../model/index.js";
import { sortBy } from "./compare.js";

/** The role is lost when the account was read before and its AssumeRole fails now. */
const roleFailed = (account: AccountRecord): boolean => account.scan === "failed" && account.errors.some((e) => e.operation === "AssumeRole");

export function scopeDrift(baseline: Pick<Snapshot, "accounts">, current: Pick<Snapshot, "accounts">): ScopeChange[] {
  const was = new Map(baseline.accounts.map((a) => [a.id, a]));
  const now = new Map(current.accounts.map((a) => [a.id, a]));
  const changes: ScopeChange[] = [];
  const push = (change: ScopeChange["change"], account: AccountRecord, before: string | null, after: string | null): void => {
    changes.push({ change, accountId: account.id, accountName: account.name, before, after });
  };
  for (const [id, before] of was) {
    const after = now.get(id);
    if (after === undefined) {
      push("account-left", before, before.ouPath, null);
      continue;
    }
    if (before.ouPath !== after.ouPath) push("ou-moved", after, before.ouPath, after.ouPath);
    if (before.status !== after.status) push(after.status === "SUSPENDED" ? "suspended" : before.status === "SUSPENDED" ? "reactivated" : "scope-changed", after, before.status, after.status);
    else if (before.scope !== after.scope) push("scope-changed", after, before.scope, after.scope);
    if (before.scan === "scanned" && roleFailed(after)) {
      const error = after.errors.find((e) => e.operation === "AssumeRole")!;
      push("role-lost", after, "scanned", `AssumeRole ${error.code}`);
    } else if (roleFailed(before) && after.scan === "scanned") {
      const error = before.errors.find((e) => e.operation === "AssumeRole")!;
      push("role-regained", after, `AssumeRole ${error.code}`, "scanned");
    }
  }
  for (const [id, after] of now) if (!was.has(id)) push("account-joined", after, null, after.ouPath);
  return sortBy(changes, (c) => c.accountId, (c) => c.change);
}
