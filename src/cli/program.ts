/** The `replguard` program: parse flags, call the library, print, and return the exit code. Nothing else. */
import { Command } from "commander";
import { toolVersion } from "../version.js";
import { auditCommand } from "./audit-command.js";
import { driftCommand } from "./drift-command.js";
import { fixCommand } from "./fix-command.js";
import { rollbackCommand } from "./rollback-command.js";
import { mergeCommand } from "./merge-command.js";
import { describeError } from "./exit.js";
import { initCommand } from "./init-command.js";
import { permissionsCommand } from "./permissions-command.js";
import { policiesCommand } from "./policies-command.js";
import { reportCommand } from "./report-command.js";
import { sandboxCommand } from "./sandbox-command.js";
import { printErr, printOut } from "./terminal.js";

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("replguard")
    .description("Audit Amazon S3 replication across an AWS Organization.")
    .version(toolVersion)
    .option("--debug", "print stack traces of unexpected errors")
    .exitOverride();
  program.addCommand(auditCommand((code) => (exitCode = code)));
  program.addCommand(mergeCommand((code) => (exitCode = code)));
  program.addCommand(reportCommand());
  program.addCommand(driftCommand((code) => (exitCode = code)));
  program.addCommand(fixCommand((code) => (exitCode = code)));
  program.addCommand(rollbackCommand((code) => (exitCode = code)));
  program.addCommand(policiesCommand());
  program.addCommand(permissionsCommand());
  program.addCommand(initCommand());
  program.addCommand(sandboxCommand());
  // Commander exits the process itself on a bad flag unless told not to, at every level.
  // Commander echoes what the user typed (an unknown option may hold escape sequences): its output
  // goes through the same control-character filter as everything else printed.
  const overrideExit = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: printOut, writeErr: printErr });
    command.commands.forEach(overrideExit);
  };
  overrideExit(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    const { message, exitCode: code } = describeError(error, argv.includes("--debug"));
    if (message !== "") printErr(`${message}\n`);
    return code;
  }
}
