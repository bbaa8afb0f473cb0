/** The default report folder, in a module of its own: `report` and `drift` need it without loading the scanner. */
import { join } from "node:path";

/**
 * `reports/<UTC timestamp to the millisecond>`. Open it with `openReportDir(dir, { fresh: true })`,
 * which appends `-2`, `-3`... when two runs start in the same millisecond, so no two runs share it.
 */
export const defaultOutDir = (now: Date): string => join("reports", now.toISOString().replace(/:/g, "-"));
