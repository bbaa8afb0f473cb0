/** Coverage: what was in scope, what was read, and whether anything in scope is missing. */
import type { AccountRecord, BucketDocument, Coverage } from "../model/index.js";

export function computeCoverage(accounts: AccountRecord[], buckets: BucketDocument[]): Coverage {
  return coverageOf(accounts, { buckets: buckets.length, partial: buckets.filter((b) => b.errors.length > 0).length });
}

/** The same from counts: the scan hands documents on without keeping them. */
export function coverageOf(accounts: AccountRecord[], { buckets, partial }: { buckets: number; partial: number }): Coverage {
  const inScope = accounts.filter((a) => a.scope === "in-scope");
  const scanned = inScope.filter((a) => a.scan === "scanned").length;
  const failed = inScope.filter((a) => a.scan === "failed").length;
  return {
    accounts: { total: accounts.length, inScope: inScope.length, scanned, failed, outOfScope: accounts.length - inScope.length },
    buckets: { inScope: buckets, scanned: buckets - partial, partial },
    complete: failed === 0 && scanned === inScope.length && partial === 0,
  };
}
