/** `replguard policies list | validate | explain`: look at the policy set without scanning anything. */
import { Command } from "commander";
import { UsageError } from "../errors.js";
import { splitList } from "./parse.js";
import { printOut } from "./terminal.js";

interface PolicyFlags {
  policies?: string[];
  pack?: string[];
  json?: boolean;
}

const policyOptions = (command: Command): Command =>
  command
    .option("--policies <dirs>", "extra policy directories (comma-separated)", splitList)
    .option("--pack <names>", "only the policies of these packs (comma-separated)", splitList);

export function policiesCommand(): Command {
  const command = new Command("policies").description("List, validate or explain policies.");

  policyOptions(command.command("list").description("List the loaded policies: id, severity, title."))
    .option("--json", "print as JSON")
    .action(async (flags: PolicyFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const { loadPolicies } = await import("../policy/index.js");
      const set = await loadPolicies({ dirs: flags.policies, packs: flags.pack });
      if (flags.json) {
        const rows = set.policies.map(({ id, severity, title, source }) => ({ id, severity, title, source }));
        printOut(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const policy of set.policies) printOut(`${policy.id.padEnd(38)} ${policy.severity.padEnd(8)} ${policy.title}\n`);
    });

  command
    .command("validate")
    .description("Validate the built-in policies and those in DIRS against the meta-schema; exit 2 on the first invalid one.")
    .argument("[dirs...]", "policy directories to validate besides the built-ins")
    .action(async (dirs: string[]) => {
      const { loadPolicies } = await import("../policy/index.js");
      const set = await loadPolicies({ dirs });
      printOut(`${set.policies.length} policies valid\n`);
    });

  policyOptions(command.command("explain").description("Say what a policy checks, in words, with its schemas."))
    .argument("<id>", "policy id")
    .action(async (id: string, flags: PolicyFlags) => {
      const { explainPolicy, loadPolicies } = await import("../policy/index.js");
      const set = await loadPolicies({ dirs: flags.policies, packs: flags.pack });
      const policy = set.policies.find((candidate) => candidate.id === id);
      if (policy === undefined) {
        throw new UsageError(`no policy "${id}"; \`replguard policies list\` shows the ids`, { policyId: id });
      }
      printOut(`${explainPolicy(policy)}\n`);
    });
  return command;
}
