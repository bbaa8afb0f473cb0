/**
 * The one place errors become exit codes and messages. A user-caused error prints one line naming
 * the file, field or account; only an unexpected error prints more, and then only with --debug.
 */
import { CommanderError } from "commander";
import { ExitCode, ReplguardError } from "../errors.js";

export function describeError(error: unknown, debug: boolean): { message: string; exitCode: ExitCode } {
  if (error instanceof ReplguardError) {
    return { message: `replguard: ${error.message}`, exitCode: error.exitCode };
  }
  if (error instanceof CommanderError) {
    // Commander has already printed its own message (e.g. "error: unknown option '--x'").
    const isHelp = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help";
    return { message: "", exitCode: isHelp ? ExitCode.Ok : ExitCode.Usage };
  }
  const detail = debug && error instanceof Error ? `\n${error.stack ?? ""}` : " (run with --debug for details)";
  return { message: `replguard: unexpected error: ${error instanceof Error ? error.message : String(error)}${detail}`, exitCode: ExitCode.Internal };
}
