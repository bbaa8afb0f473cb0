/** `replguard permissions [--policies DIR] [--pack NAMES] [--fix]`: the IAM policy document the loaded policy set needs. */
import { Command } from "commander";
import { splitList } from "./parse.js";
import { printOut } from "./terminal.js";

interface PermissionFlags {
  policies?: string[];
  pack?: string[];
  fix?: boolean;
}

export function permissionsCommand(): Command {
  return new Command("permissions")
    .description(
      "Print the IAM policy the audit role needs for the loaded policies (read-only, derived from the scanner's fact table); with --fix, the remediation role's policy instead.",
    )
    .option("--policies <dirs>", "extra policy directories (comma-separated)", splitList)
    .option("--pack <names>", "only the policies of these packs (comma-separated)", splitList)
    .option("--fix", "print the remediation role's policy (the writes of --fix), not the audit role's")
    .action(async (flags: PermissionFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const { auditRolePolicy, loadPolicies, remediationRolePolicy } = await import("../policy/index.js");
      // The remediation policy does not depend on the policy set, but loading it still validates --policies.
      const set = await loadPolicies({ dirs: flags.policies, packs: flags.pack });
      const document = flags.fix ? remediationRolePolicy() : auditRolePolicy(set);
      printOut(`${JSON.stringify(document, null, 2)}\n`);
    });
}
