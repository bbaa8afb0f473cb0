/**
 * Scan progress on stderr: a live bar when stderr is a terminal, otherwise nothing until the one
 * summary line the audit command prints at the end (CI logs stay readable).
 */
import cliProgress from "cli-progress";
import type { ScanProgress } from "../scan/index.js";

export interface ProgressReporter {
  update(progress: ScanProgress): void;
  stop(): void;
}

const silent: ProgressReporter = { update: () => undefined, stop: () => undefined };

export function progressReporter(enabled: boolean): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) return silent;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{phase} {bar} {percentage}% | accounts {accountsDone}/{accountsTotal} | buckets {bucketsDone}/{bucketsDiscovered} | errors {errors} | {rate} buckets/s",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { phase: "organization", accountsDone: 0, accountsTotal: 0, bucketsDone: 0, bucketsDiscovered: 0, errors: 0, rate: 0 });
  return {
    update(progress) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      // Accounts drive the bar: the bucket total is only known once every account is listed.
      bar.setTotal(Math.max(progress.accounts.total, 1));
      bar.update(progress.accounts.done, {
        phase: progress.phase,
        accountsDone: progress.accounts.done,
        accountsTotal: progress.accounts.total,
        bucketsDone: progress.buckets.done,
        bucketsDiscovered: progress.buckets.discovered,
        errors: progress.errors,
        rate: Math.round(progress.buckets.done / seconds),
      });
    },
    stop: () => bar.stop(),
  };
}
