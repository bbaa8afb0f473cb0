/** `replguard init [--out replguard.config.json] [--force]`: a first config file with the organization's facts filled in. */
import { Command } from "commander";
import { UsageError } from "../errors.js";
import type { Sandbox } from "../sandbox/types.js";
import { printOut } from "./terminal.js";

interface InitFlags {
  out: string;
  force?: boolean;
  sandbox?: string | true;
  endpointUrl?: string;
  profile?: string;
  region?: string;
  roleName?: string;
  externalId?: string;
}

export function initCommand(): Command {
  return new Command("init")
    .description("Read the organization (management account, OUs, accounts, where replicas go) and write a first config file with it, and a suggested vault account.")
    .option("--out <file>", "config file to write", "replguard.config.json")
    .option("--force", "overwrite the file if it exists")
    .option("--sandbox [scenario]", "read the built-in sandbox (demo, or a scenario FILE) instead of AWS")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint")
    .option("--profile <name>", "AWS profile for the caller's credentials")
    .option("--region <region>", "home region for STS and Organizations (written into the config)")
    .option("--role-name <name>", "audit role to read each account with (default OrganizationAccountAccessRole); written into the config")
    .option("--external-id <id>", "ExternalId for AssumeRole")
    .action(async (flags: InitFlags) => {
      if (flags.sandbox !== undefined && (flags.endpointUrl !== undefined || flags.profile !== undefined)) {
        throw new UsageError("--sandbox supplies its own endpoint and credentials: drop --endpoint-url and --profile, or drop --sandbox");
      }
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const [{ checkConfigTarget, initialConfig, writeConfigFile }, { startSandbox }] = await Promise.all([import("../audit/init-config.js"), import("../sandbox/index.js")]);
      await checkConfigTarget(flags.out, flags.force === true);
      let sandbox: Sandbox | undefined;
      try {
        if (flags.sandbox !== undefined) sandbox = await startSandbox({ scenario: flags.sandbox === true ? "demo" : flags.sandbox });
        const where = sandbox
          ? { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: flags.region ?? sandbox.region }
          : { endpoint: flags.endpointUrl, profile: flags.profile, region: flags.region };
        const { config, vault } = await initialConfig({
          scan: { ...where, ...(flags.roleName === undefined ? {} : { roleName: flags.roleName }), ...(flags.externalId === undefined ? {} : { externalId: flags.externalId }) },
        });
        await writeConfigFile(flags.out, config, flags.force === true);
        const lines = (config.$comment as string[]).slice(1, 3);
        printOut(`wrote ${flags.out}\n  ${lines.join("\n  ")}\n  suggested vault account: ${vault === null ? "none (see $comment)" : `${vault.accountId} (${vault.name}), because ${vault.reason}`}\n`);
      } finally {
        await sandbox?.close();
      }
    });
}
