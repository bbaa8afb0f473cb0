/**
 * The order in which vitest starts the test files (vitest.config.ts): its own (durations of the
 * last run, else file size), with START_FIRST moved to the front. vitest starts the longest files
 * first only when it has their durations from an earlier run; on a clean clone (CI) it starts the
 * largest files first, and a short file of slow tests could start last and be the check's tail.
 */

/**
 * Started before all others, in this order: the suite's 20 longest files by their wall time in
 * `npm run check` (REPLGUARD_CPU_LOG's second column, mean of two runs on main, 2026-11-30, on a
 * loaded machine: the ratios count, not the seconds; 57 s down to 17 s). By file size, the order
 * vitest falls back to, several came among the last (reports.test.ts was the 88th largest of 180,
 * workers.test.ts the 102nd, spool-equivalence the 140th), each a tail the other forks would wait
 * for; the one browser file, since split in two, was 66.8 s of a 92.1 s check.
 * test/support/start-first.test.ts checks each still exists.
 */
export const START_FIRST = [
  "test/report/html-browser-demo.test.ts",
  "test/report/html-browser.test.ts",
  "test/scan/workers.test.ts",
  "test/audit/reports.test.ts",
  "test/scan/access-ahead.test.ts",
  "test/sandbox/awscli-sweep.test.ts",
  "test/report/render-threads.test.ts",
  "test/cli/exit-codes.test.ts",
  "test/sandbox/awscli.test.ts",
  "test/merge/merge.test.ts",
  "test/scan/lean-equivalence.test.ts",
  "test/sandbox/conformance.test.ts",
  "test/report/html-one-pass.test.ts",
  "test/scan/big-account.test.ts",
  "test/drift/end-to-end.test.ts",
  "test/audit/memory-bounds.test.ts",
  "test/audit/memory-sessions.test.ts",
  "test/audit/demo.test.ts",
  "test/scan/spool-equivalence.test.ts",
  "test/scan/workers-throttle.test.ts",
];

/** `files` (in vitest's order) with those in `first` moved to the front, in `first`'s order; the others keep theirs. */
export function startFirst<T extends { moduleId: string }>(files: readonly T[], first: readonly string[] = START_FIRST): T[] {
  const rank = (file: T): number => {
    const at = first.findIndex((path) => file.moduleId.replaceAll("\\", "/").endsWith(`/${path}`));
    return at === -1 ? first.length : at;
  };
  // Array.prototype.sort is stable.
  return [...files].sort((a, b) => rank(a) - rank(b));
}
