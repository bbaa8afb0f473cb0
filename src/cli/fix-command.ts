/**
 * `replguard fix plan SNAPSHOT --out DIR` (no AWS call) and `replguard fix apply DIR/plan.json`:
 * the change-board pattern of `terraform plan` / `apply` (docs/fix.md).
 */
import { dirname } from "node:path";
import { Command } from "commander";
import type { ConfigFile } from "../config/index.js";
import { ExitCode } from "../errors.js";
import type { PolicySet } from "../policy/index.js";
import { endpointUrlProblem, withoutUserInfo } from "../url.js";
import { UsageError } from "../errors.js";
import { positiveInt, splitList } from "./parse.js";

/** Policy id → the fix its file names. */
export const fixNames = (set: PolicySet): Map<string, string> => new Map(set.policies.map((p) => [p.id, p.remediation.fix]));

interface PlanFlags {
  out: string;
  config?: string;
  policies?: string[];
}

interface ApplyFlags {
  config?: string;
  policies?: string[];
  endpointUrl?: string;
  profile?: string;
  region?: string;
  roleName?: string;
  fixRoleName?: string;
  externalId?: string;
  yes?: boolean;
  dryRun?: boolean;
  concurrency?: number;
}

const endpoint = (url: string | undefined): string | undefined => {
  if (url === undefined) return undefined;
  const problem = endpointUrlProblem(url);
  if (problem !== null) throw new UsageError(`--endpoint-url: ${JSON.stringify(withoutUserInfo(url))} ${problem}`);
  return withoutUserInfo(url);
};

async function policiesFor(config: ConfigFile, flags: { policies?: string[]; config?: string }): Promise<PolicySet> {
  const { loadPolicies } = await import("../policy/index.js");
  return loadPolicies({ dirs: [...(config.policies?.dirs ?? []), ...(flags.policies ?? [])], parameters: config.policies?.parameters, parametersFile: flags.config });
}

export function fixCommand(run: (exitCode: number) => void): Command {
  const fix = new Command("fix").description("Plan fixes from a snapshot, and apply a reviewed plan.");
  fix
    .command("plan")
    .description("Make a fix plan from a snapshot.json, with no AWS call: plan.json, fix.sh, fix.tf.")
    .argument("<snapshot>", "snapshot.json written by `replguard audit`")
    .requiredOption("--out <dir>", "folder for plan.json, fix.sh (+ replication/*.json) and fix.tf")
    .option("--config <file>", "config file: its `remediation` settings choose destinations")
    .option("--policies <dirs>", "policy directories the audit used (comma-separated)", splitList)
    .action(async (snapshotFile: string, flags: PlanFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const [{ loadConfig }, { buildPlan, writePlanFiles }, { readSnapshot }, { printPlan }] = await Promise.all([
        import("../config/index.js"),
        import("../fix/index.js"),
        import("../report/index.js"),
        import("./fix-flow.js"),
      ]);
      const config = flags.config === undefined ? {} : await loadConfig(flags.config);
      const snapshot = await readSnapshot(snapshotFile);
      const policies = await policiesFor(config, flags);
      const plan = buildPlan({ snapshot, fixes: fixNames(policies), ...(config.remediation ? { remediation: config.remediation } : {}) });
      await writePlanFiles(plan, flags.out);
      printPlan(plan, flags.out);
    });
  fix
    .command("apply")
    .description("Apply a reviewed plan.json: re-read each bucket, write, read back, record a rollback file, re-scan.")
    .argument("<plan>", "plan.json written by `fix plan` or `audit --fix`")
    .option("--config <file>", "config file (credentials, role names, policies)")
    .option("--policies <dirs>", "policy directories for the re-scan (comma-separated)", splitList)
    .option("--endpoint-url <url>", "send every AWS call to this endpoint")
    .option("--profile <name>", "AWS profile for the caller's credentials")
    .option("--region <region>", "home region for STS")
    .option("--role-name <name>", "audit role, for the re-scan (default OrganizationAccountAccessRole)")
    .option("--fix-role-name <name>", "role assumed in each account for the writes (default: the audit role)")
    .option("--external-id <id>", "ExternalId for AssumeRole")
    .option("--yes", "apply without asking (unattended runs)")
    .option("--dry-run", "print the plan and change nothing")
    .option("--concurrency <n>", "buckets written at once (default 4)", positiveInt)
    .action(async (planFile: string, flags: ApplyFlags) => {
      const [{ loadConfig }, { readPlan }, { applyAndReport, confirmation, printPlan, requireConfirmable }] = await Promise.all([
        import("../config/index.js"),
        import("../fix/index.js"),
        import("./fix-flow.js"),
      ]);
      requireConfirmable(flags, "fix apply");
      const config = flags.config === undefined ? {} : await loadConfig(flags.config);
      const plan = await readPlan(planFile);
      const policies = await policiesFor(config, flags);
      printPlan(plan, null);
      const aws = {
        ...(endpoint(flags.endpointUrl ?? config.endpointUrl) === undefined ? {} : { endpoint: endpoint(flags.endpointUrl ?? config.endpointUrl)! }),
        ...(flags.profile ?? config.profile ? { profile: flags.profile ?? config.profile } : {}),
        ...(flags.region ?? config.region ? { region: flags.region ?? config.region } : {}),
        ...(flags.externalId ?? config.externalId ? { externalId: flags.externalId ?? config.externalId } : {}),
      };
      const auditRole = flags.roleName ?? config.roleName;
      const outcome = await applyAndReport(plan, {
        ...aws,
        ...(flags.fixRoleName ?? auditRole ? { roleName: flags.fixRoleName ?? auditRole } : {}),
        ...(flags.dryRun === true ? { dryRun: true } : {}),
        concurrency: flags.concurrency ?? config.remediation?.concurrency ?? 4,
        confirm: confirmation(flags.yes, "apply this plan"),
        planDir: dirname(planFile),
        policies,
        scan: { ...aws, ...(auditRole ? { roleName: auditRole } : {}), singleAccount: plan.mode === "single-account" },
      });
      const stillFailing = outcome.rescan.some((r) => r.after !== "pass");
      run(outcome.exitCode ?? (outcome.applied && stillFailing ? ExitCode.Findings : ExitCode.Ok));
    });
  return fix;
}
