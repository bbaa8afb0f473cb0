/**
 * The order in which vitest starts the test files (vitest.config.ts): its own (durations of the
 * last run, else file size), with START_FIRST moved to the front. vitest starts the longest files
 * first only when it has their durations from an earlier run; on a clean clone (CI) it starts the
 * largest files first, and a short file of slow tests could start last and be the check's tail.
 */

/**
 * Started before all others, in this order: the longest files of the suite, each its fork's for
 * much of the run (`npm run check` on Node 20, clean clone: the one browser file, since split in
 * two, was 66.8 s of a 92.1 s check; sandbox conformance 7.0 s, render-threads 6.7, exit-codes 5.2,
 * scan workers 4.7). test/support/start-first.test.ts checks each still exists.
 */
export const START_FIRST = [
  "test/report/html-browser-demo.test.ts",
  "test/report/html-browser.test.ts",
  "test/sandbox/conformance.test.ts",
  "test/report/render-threads.test.ts",
  "test/cli/exit-codes.test.ts",
  "test/scan/workers.test.ts",
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
