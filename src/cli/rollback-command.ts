/** `replguard rollback FILE`: restore what an apply changed, with the same confirmation rules. */
import { Command } from "commander";
import { ExitCode } from "../errors.js";
import { printErr, printOut } from "./terminal.js";

interface RollbackFlags {
  config?: string;
  endpointUrl?: string;
  profile?: string;
  region?: string;
  roleName?: string;
  fixRoleName?: string;
  externalId?: string;
  yes?: boolean;
}

export function rollbackCommand(run: (exitCode: number) => void): Command {
  return new Command("rollback")
    .description("Restore the configurations a fix apply replaced, from its rollback file.")
    .argument("<file>", "rollback-*.json written by `fix apply` or `audit --fix`")
    .option("--config <file>", "config file (credentials, role names)")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint")
    .option("--profile <name>", "AWS profile for the caller's credentials")
    .option("--region <region>", "home region for STS")
    .option("--role-name <name>", "audit role (used when --fix-role-name is not given)")
    .option("--fix-role-name <name>", "role assumed in each account for the writes")
    .option("--external-id <id>", "ExternalId for AssumeRole")
    .option("--yes", "restore without asking")
    .action(async (file: string, flags: RollbackFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const [{ loadConfig }, { rollback }, { confirmation, requireConfirmable }] = await Promise.all([import("../config/index.js"), import("../fix/index.js"), import("./fix-flow.js")]);
      requireConfirmable(flags, "rollback");
      const config = flags.config === undefined ? {} : await loadConfig(flags.config);
      const roleName = flags.fixRoleName ?? flags.roleName ?? config.roleName;
      const endpoint = flags.endpointUrl ?? config.endpointUrl;
      const result = await rollback(file, {
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(flags.profile ?? config.profile ? { profile: flags.profile ?? config.profile } : {}),
        ...(flags.region ?? config.region ? { region: flags.region ?? config.region } : {}),
        ...(flags.externalId ?? config.externalId ? { externalId: flags.externalId ?? config.externalId } : {}),
        ...(roleName === undefined ? {} : { roleName }),
        confirm: (entries) => confirmation(flags.yes, `restore ${entries.length} configuration(s)`)(),
      });
      if (result.declined) {
        printErr("replguard: not confirmed: nothing changed\n");
        return;
      }
      const lines = result.results.map(({ entry, outcome }) => {
        const head = `  ${outcome.status.padEnd(16)} ${entry.step.operation} ${entry.step.bucket} (${entry.step.accountId})`;
        if (outcome.status === "failed") return `${head}: ${outcome.code}: ${outcome.message}`;
        if (outcome.status === "restored") return outcome.note === undefined ? head : `${head}: ${outcome.note}`;
        return `${head}: ${outcome.detail}`;
      });
      printOut(`${[`rollback: ${result.results.filter((r) => r.outcome.status === "restored").length} of ${result.results.length} restored`, ...lines].join("\n")}\n`);
      run(result.results.some((r) => r.outcome.status === "failed") ? ExitCode.FixFailed : ExitCode.Ok);
    });
}
