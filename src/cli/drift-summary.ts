/** The drift's summary line(s) for `drift` and `audit --baseline`. */
import type { Drift } from "../model/index.js";

export function driftSummaryLines(drift: Drift, baselineFile: string): string[] {
  const s = drift.summary;
  return [
    `drift since ${baselineFile} (scan finished ${drift.baseline.finishedAt}): ${s.newFailures} new failure(s), ${s.intoError} now undecided, ` +
      `${s.fixed} fixed, ${s.absent} gone, ${s.unchangedFailures} unchanged failure(s), ${s.configChanges} configuration change(s), ` +
      `${s.scopeChanges} scope change(s), ${s.policyChanges} policy change(s)`,
  ];
}
