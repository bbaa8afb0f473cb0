/**
 * Ctrl-C (SIGINT) or SIGTERM while an audit or a re-render runs: remove every temporary report and
 * lock, say which reports (if any) were already complete, and exit 130. Nothing half-written is
 * ever left under a final name, because reports only reach their final name by a rename once whole.
 */
import { ExitCode } from "../errors.js";
import { interruptReportWrites } from "../report/index.js";
import { printErr } from "./terminal.js";

export function interruptedLine(signal: string, complete: readonly string[]): string {
  return complete.length === 0
    ? `replguard: interrupted (${signal}): no report was written`
    : `replguard: interrupted (${signal}): only these reports are complete: ${complete.join(", ")}; the others were not written`;
}

export async function withInterruptCleanup<T>(body: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    const { complete } = interruptReportWrites();
    printErr(`${interruptedLine(signal, complete)}\n`);
    process.exit(ExitCode.Interrupted);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await body();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
