/** `replguard audit`: flags + config file → AuditOptions → audit() → summary and exit code. */
import { Command, Option } from "commander";
import type { AuditOptions } from "../audit/index.js";
import type { ConfigFile } from "../config/index.js";
import { UsageError } from "../errors.js";
import { endpointUrlProblem, withoutUserInfo } from "../url.js";
import { FAIL_ON_DRIFT, type FailOnDrift, type Severity } from "../model/index.js";
import { REPORT_FORMATS, type ReportFormat } from "../report/types.js";
import type { Sandbox } from "../sandbox/types.js";
import { accountList, configField, formatList, positiveInt, regionList, severity, splitList } from "./parse.js";
import type { AuditFixFlags } from "./audit-fix.js";
import { parseShard, shardFromEnvironment, type Shard } from "../scan/shard.js";
import type { WorkersOption } from "../scan/workers.js";

export interface AuditFlags extends AuditFixFlags {
  config?: string;
  sandbox?: string | true;
  endpointUrl?: string;
  profile?: string;
  region?: string;
  roleName?: string;
  externalId?: string;
  singleAccount?: boolean;
  accounts?: string[];
  excludeAccounts?: string[];
  ou?: string[];
  regions?: string[];
  policies?: string[];
  pack?: string[];
  format?: ReportFormat[];
  out?: string;
  failOn?: Severity;
  concurrency?: number;
  accountConcurrency?: number;
  workers?: WorkersOption;
  maxAttempts?: number;
  quiet?: boolean;
  json?: boolean;
  baseline?: string;
  failOnDrift?: FailOnDrift;
  terraform?: string;
  shard?: Shard;
  localCopy?: string;
  sseKmsKeyId?: string;
  snapshotGzip?: boolean;
}

export function auditCommand(run: (exitCode: number) => void): Command {
  return new Command("audit")
    .description("Scan the organization's S3 replication, check the policies, and write reports.")
    .option("--config <file>", "JSON config file (schemas/config.schema.json); flags override it")
    .option("--sandbox [scenario]", "start the built-in sandbox in-process (demo, or a scenario FILE) and audit it")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint (AWS_ENDPOINT_URL works too)")
    .option("--profile <name>", "AWS profile for the caller's credentials", configField("profile"))
    .option("--region <region>", "home region for STS and Organizations")
    .option("--role-name <name>", "audit role to assume in each account (default OrganizationAccountAccessRole)", configField("roleName"))
    .option("--external-id <id>", "ExternalId for AssumeRole", configField("externalId"))
    .option("--single-account", "scan only the caller's account, without Organizations")
    .option("--accounts <ids>", "only these account ids (comma-separated)", accountList)
    .option("--exclude-accounts <ids>", "never these account ids (comma-separated)", accountList)
    .option("--ou <ous>", "only accounts under these OUs (paths like Workloads/Prod or ou- ids, comma-separated)", splitList)
    .option("--regions <regions>", "only buckets in these regions (comma-separated)", regionList)
    .option("--policies <dirs>", "extra policy directories: add policies or replace built-ins (comma-separated)", splitList)
    .option("--pack <names>", "only the policies of these packs (comma-separated)", splitList)
    .option("--format <formats>", `report formats: ${REPORT_FORMATS.join(",")} or all (default all)`, formatList)
    .option("--out <dir>", "report directory (default reports/<UTC timestamp>/, unique per run), or s3://BUCKET/PREFIX/ (one folder per run, named by its UTC timestamp)", configField("out"))
    .option("--local-copy <dir>", "with --out s3://…: also keep the reports in this folder (e.g. for CI artifacts)")
    .option("--sse-kms-key-id <key>", "with --out s3://…: encrypt the reports with this KMS key (SSE-KMS; default: the bucket's default encryption)")
    .addOption(new Option("--fail-on <severity>", "exit 1 on failures at or above this severity (default high)").argParser(severity))
    .option("--concurrency <n>", "AWS requests in flight (default 32)", positiveInt)
    .option("--account-concurrency <n>", "accounts scanned at once (default 8)", positiveInt)
    .option("--workers <n>", "worker threads for the accounts (default 1; auto: one per core); same results, more cores busy", workersFlag)
    .option("--max-attempts <n>", "attempts per AWS call with standard retry (default 10)", positiveInt)
    .option("--baseline <snapshot>", "compare with this snapshot.json, s3://BUCKET/PREFIX/ (its newest run), or `latest` (the newest one beside --out, local or S3); the reports then carry the drift")
    .option("--terraform <file>", "compare the live buckets with what this `terraform show -json` file (plan or state) declares; adds terraform-drift.json/.csv")
    .addOption(new Option("--fail-on-drift <when>", "with --baseline: exit 5 on new failures, or on any change; with --terraform: exit 5 on drift from it").choices([...FAIL_ON_DRIFT]))
    .option("--shard <index/count>", "scan only this shard of the accounts, e.g. 0/4 (default: from AWS_BATCH_JOB_ARRAY_INDEX/_SIZE or JOB_COMPLETION_INDEX + REPLGUARD_SHARD_COUNT); combine with `replguard merge`", (value: string) => parseShard(value))
    .option("--snapshot-gzip", "write the snapshot gzipped, as snapshot.json.gz (every reader takes it as it is)")
    .option("--quiet", "no progress bar and no summary line")
    .option("--json", "print the summary as JSON on stdout")
    .option("--fix", "after the audit, plan the fixes of its failures (plan.json, fix.sh, fix.tf), confirm, apply, re-scan (docs/fix.md)")
    .option("--fix-role-name <name>", "with --fix: role assumed in each account for the writes (default: the audit role)")
    .option("--fix-out <dir>", "with --fix: folder for the plan files and the rollback file (default <report folder>/fix)")
    .option("--yes", "with --fix: apply without asking (unattended runs)")
    .option("--dry-run", "with --fix: print the plan and change nothing")
    .option("--replicate-existing", "with --fix: also replicate the objects that already exist (S3 Batch Replication)")
    .action(async (flags: AuditFlags) => {
      // Loaded when the command runs: `--help`, `--version` and a bad flag never load the SDK,
      // the policies or the report writers (a start of the executable costs a fraction of the CPU).
      const [{ audit }, { loadConfig }, { startSandbox }, { progressReporter }, { withInterruptCleanup }, { checkFixFlags, runAuditFix }, { s3Delivery }, { printSummary }] = await Promise.all([
        import("../audit/index.js"),
        import("../config/index.js"),
        import("../sandbox/index.js"),
        import("./progress.js"),
        import("./interrupt.js"),
        import("./audit-fix.js"),
        import("./s3-delivery.js"),
        import("./audit-summary.js"),
      ]);
      const fixConfig = flags.config === undefined || flags.fix !== true ? {} : await loadConfig(flags.config);
      checkFixFlags(flags, fixConfig);
      if (flags.sandbox !== undefined && (flags.endpointUrl !== undefined || flags.profile !== undefined)) {
        throw new UsageError("--sandbox supplies its own endpoint and credentials: drop --endpoint-url and --profile, or drop --sandbox");
      }
      const config = flags.config === undefined ? {} : await loadConfig(flags.config);
      let sandbox: Sandbox | undefined;
      let delivery: Awaited<ReturnType<typeof s3Delivery>> = null;
      const progress = progressReporter(!flags.quiet && !flags.json);
      try {
        const sandboxScenario = flags.sandbox === true ? "demo" : flags.sandbox;
        if (sandboxScenario !== undefined) sandbox = await startSandbox({ scenario: sandboxScenario });
        const now = new Date();
        delivery = await s3Delivery({
          out: flags.out ?? config.out,
          baseline: flags.baseline,
          localCopy: flags.localCopy,
          sseKmsKeyId: flags.sseKmsKeyId,
          failOnDrift: flags.failOnDrift !== undefined,
          quiet: flags.json === true,
          now,
          client: sandbox
            ? { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }
            : { endpoint: flags.endpointUrl ?? config.endpointUrl, profile: flags.profile ?? config.profile, region: flags.region ?? config.region },
        });
        // With S3 in play the audit reads a downloaded baseline and writes to a local folder first.
        const effective: AuditFlags = delivery === null ? flags : { ...flags, baseline: delivery.baseline, ...(delivery.outDir === undefined ? {} : { out: delivery.outDir }) };
        const options = { ...auditOptions(effective, config, sandbox), now };
        options.scan = { ...options.scan, onProgress: (p) => progress.update(p) };
        const audited = await withInterruptCleanup(() => audit(options));
        const result = delivery === null ? audited : await delivery.deliver(audited);
        progress.stop();
        printSummary(result, effective);
        run(flags.fix === true ? await runAuditFix(result, options, config, flags, sandbox !== undefined) : result.exitCode);
      } finally {
        progress.stop();
        await delivery?.close();
        await sandbox?.close();
      }
    });
}

/** Flags win over the config file; the sandbox, when asked for, supplies endpoint, keys and region. */
export function auditOptions(flags: AuditFlags, config: ConfigFile, sandbox?: Sandbox): AuditOptions {
  const policyDirs = [...(config.policies?.dirs ?? []), ...(flags.policies ?? [])];
  const packs = flags.pack ?? config.policies?.packs;
  return {
    scan: {
      ...(sandbox
        ? { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }
        : { endpoint: recordableEndpoint(flags.endpointUrl, config.endpointUrl, flags.config), profile: flags.profile ?? config.profile, region: flags.region ?? config.region }),
      roleName: flags.roleName ?? config.roleName,
      externalId: flags.externalId ?? config.externalId,
      singleAccount: flags.singleAccount ?? config.singleAccount,
      accounts: flags.accounts ?? config.accounts,
      excludeAccounts: flags.excludeAccounts ?? config.excludeAccounts,
      ous: flags.ou ?? config.ous,
      regions: flags.regions ?? config.regions,
      concurrency: {
        accounts: flags.accountConcurrency ?? config.concurrency?.accounts,
        requests: flags.concurrency ?? config.concurrency?.requests,
      },
      maxAttempts: flags.maxAttempts ?? config.maxAttempts,
      ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      ...shardOption(flags.shard),
    },
    policies: { dirs: policyDirs, packs, parameters: config.policies?.parameters, parametersFile: flags.config },
    suppressions: config.suppressions,
    failOn: flags.failOn ?? config.failOn,
    formats: flags.format ?? config.formats,
    outDir: flags.out ?? config.out,
    ...(flags.baseline === undefined ? {} : { baseline: flags.baseline }),
    ...(flags.failOnDrift === undefined ? {} : { failOnDrift: flags.failOnDrift }),
    ...(flags.terraform === undefined ? {} : { terraform: flags.terraform }),
    // The summary printed names partly read buckets and undecided results only: nothing more is kept
    // in memory, unless --fix plans from every failing bucket's document.
    retain: flags.fix === true ? "all" : "summary",
    ...(flags.snapshotGzip === true ? { snapshotGzip: true } : {}),
  };
}

/**
 * The endpoint to use, checked (http or https) and without user-info: credentials in the URL are
 * dropped here, before anything can record or print them.
 */
function recordableEndpoint(flag: string | undefined, configured: string | undefined, configFile: string | undefined): string | undefined {
  const url = flag ?? configured;
  if (url === undefined) return undefined;
  const problem = endpointUrlProblem(url);
  if (problem !== null) {
    const where = flag !== undefined ? "--endpoint-url" : `${configFile ?? "config file"}: /endpointUrl`;
    throw new UsageError(`${where}: ${JSON.stringify(withoutUserInfo(url))} ${problem}`, { ...(flag === undefined && configFile ? { file: configFile, pointer: "/endpointUrl" } : {}) });
  }
  return withoutUserInfo(url);
}

/** `--workers N` or `auto`. */
function workersFlag(value: string): WorkersOption {
  return value === "auto" ? "auto" : positiveInt(value);
}

/** `--shard`, else the batch engine's variables (scan/shard.ts), else not sharded. */
function shardOption(flag: Shard | undefined): { shard?: Shard } {
  const shard = flag ?? shardFromEnvironment();
  return shard === null ? {} : { shard };
}
