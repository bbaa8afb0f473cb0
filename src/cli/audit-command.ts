/** `replguard audit`: flags + config file → AuditOptions → audit() → summary and exit code. */
import { Command, Option } from "commander";
import { audit, type AuditOptions, type AuditResult } from "../audit/index.js";
import { loadConfig, type ConfigFile } from "../config/index.js";
import { UsageError } from "../errors.js";
import { endpointUrlProblem, withoutUserInfo } from "../url.js";
import { FAIL_ON_DRIFT, type FailOnDrift, type Severity } from "../model/index.js";
import { errorResultLine, REPORT_FORMATS, runCompleteness, type ReportFormat } from "../report/index.js";
import { startSandbox } from "../sandbox/index.js";
import type { Sandbox } from "../sandbox/types.js";
import { accountList, configField, formatList, positiveInt, regionList, severity, splitList } from "./parse.js";
import { progressReporter } from "./progress.js";
import { terraformDriftSummary } from "./terraform-drift.js";
import { withInterruptCleanup } from "./interrupt.js";
import { printErr, printOut } from "./terminal.js";
import { driftSummaryLines } from "./drift-summary.js";
import { checkFixFlags, runAuditFix, type AuditFixFlags } from "./audit-fix.js";
import { retryLines } from "./retry-summary.js";
import { parseShard, shardFromEnvironment, type Shard, type WorkersOption } from "../scan/index.js";
import { s3Delivery } from "./s3-delivery.js";

interface AuditFlags extends AuditFixFlags {
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

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

/** At most `limit` lines, then how many more the reports hold. */
/** `more`: lines the audit did not keep in memory (AuditResult.omitted), counted all the same. */
function capped(lines: string[], limit = 10, more = 0): string[] {
  const total = lines.length + more;
  return total <= limit ? lines : [...lines.slice(0, limit), `  … and ${total - limit} more (see the reports)`];
}

function printSummary(result: AuditResult, flags: AuditFlags): void {
  const { snapshot, summary, reports, exitCode } = result;
  if (flags.baseline === "latest" && result.baselineFile === null && !flags.json) {
    // A first run has nothing to compare with: said, not silent.
    printErr("replguard: --baseline latest: no earlier snapshot.json beside the report folder: this is the first run, no drift reported\n");
  }
  if (flags.json) {
    const { complete } = runCompleteness(snapshot);
    const drift = result.drift === null ? null : { baseline: result.baselineFile, ...result.drift.summary };
    const terraform = result.terraformDrift === null ? null : { file: result.terraformDrift.terraform.file, drifted: result.terraformDrift.drifted, counts: result.terraformDrift.counts };
    const json = { exitCode, complete, failOn: snapshot.failOn, coverage: snapshot.coverage, retries: snapshot.scan.retries ?? null, ...summary, drift, terraform, reports };
    printOut(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (flags.quiet) return;
  const { accounts, buckets } = snapshot.coverage;
  const c = summary.counts;
  // Say which accounts and buckets could not be read, and why: the first thing a reader must act on.
  const failedAccounts = snapshot.accounts
    .filter((a) => a.scan === "failed")
    .map((a) => `  not scanned: account ${a.id} ${a.name}: ${a.errors.map((e) => `${e.operation} ${e.code}`).join(", ")}`);
  const partialBuckets = snapshot.buckets
    .filter((b) => b.errors.length > 0)
    .map((b) => `  partly read: ${b.name} (${b.account.id}): ${b.errors.map((e) => `${e.operation} ${e.code}`).join(", ")}`);
  const completeness = runCompleteness(snapshot);
  const undecided = completeness.errorResults.map((result) => `  not decided: ${errorResultLine(result)}`);
  const lines = [
    `replguard: scanned ${accounts.scanned} of ${plural(accounts.inScope, "account")} in scope and ${buckets.scanned} of ${plural(buckets.inScope, "bucket")}` +
      ` (${plural(accounts.outOfScope, "account")} out of scope)`,
    ...capped(failedAccounts),
    ...capped(partialBuckets, 10, result.omitted.buckets),
    ...capped(undecided, 5, result.omitted.results),
    ...retryLines(snapshot.scan.retries),
    ...(snapshot.scan.shard === undefined ? [] : [
          `shard ${snapshot.scan.shard.index}/${snapshot.scan.shard.count}: findings are decided by \`replguard merge\` over every shard's snapshot` +
            ` (${plural(snapshot.scan.shard.pendingDestinations.length, "destination")} outside this shard's accounts left unresolved until then)`,
        ]),
    `results: ${c.fail} fail (${summary.failuresAtOrAboveFailOn} at or above ${snapshot.failOn}), ${c.pass} pass, ${c.error} error,` +
      ` ${c.suppressed} suppressed, ${c.not_applicable} not applicable`,
    completeness.complete ? "complete: every in-scope account and bucket was read and every policy decided" : "INCOMPLETE: see the lines above (exit 3)",
    ...(result.drift === null || result.baselineFile === null ? [] : driftSummaryLines(result.drift, result.baselineFile)),
    ...(result.terraformDrift === null ? [] : terraformDriftSummary(result.terraformDrift)),
    ...reports.map((report) => `  ${report.format.padEnd(5)} ${report.file}`),
  ];
  printOut(`${lines.join("\n")}\n`);
}
