/**
 * A third-party scanner's read-only sweep (issue 11), with the AWS CLI over the demo organization:
 * every `aws s3api get-bucket-*` read (and get-public-access-block, get-object-lock-configuration),
 * as the account that owns the bucket, must answer what the S3 API reference allows: success, the
 * operation's documented not-found code, or AccessDenied where the scenario denies that call.
 * Never 501. The CLI is slow to start, so each command runs once and each bucket at least once
 * (commands and buckets paired round-robin), plus the configured settings on the one bucket that has them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedCredentials, startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { type AwsCli, startAwsCli } from "../support/awscli-driver.js";
import { requireToolOrSkip, resolvePyenvShim } from "../support/executables.js";

const awsCli = requireToolOrSkip("aws", "pip install awscli");

/**
 * Each read: extra arguments, and the not-found code its API reference page documents (none: the
 * read always succeeds for an existing bucket). Error codes:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 */
const READS: Readonly<Record<string, { args?: string[]; notFound?: string }>> = {
  "get-bucket-abac": {},
  "get-bucket-accelerate-configuration": {},
  "get-bucket-acl": {},
  "get-bucket-analytics-configuration": { args: ["--id", "sweep"], notFound: "NoSuchConfiguration" },
  "get-bucket-cors": { notFound: "NoSuchCORSConfiguration" },
  "get-bucket-encryption": {},
  "get-bucket-intelligent-tiering-configuration": { args: ["--id", "sweep"], notFound: "NoSuchConfiguration" },
  "get-bucket-inventory-configuration": { args: ["--id", "sweep"], notFound: "NoSuchConfiguration" },
  "get-bucket-lifecycle-configuration": { notFound: "NoSuchLifecycleConfiguration" },
  "get-bucket-location": {},
  "get-bucket-logging": {},
  "get-bucket-metadata-configuration": { notFound: "MetadataConfigurationNotFound" },
  "get-bucket-metadata-table-configuration": { notFound: "MetadataConfigurationNotFound" },
  "get-bucket-metrics-configuration": { args: ["--id", "sweep"], notFound: "NoSuchConfiguration" },
  "get-bucket-notification-configuration": {},
  "get-bucket-ownership-controls": { notFound: "OwnershipControlsNotFoundError" },
  "get-bucket-policy": { notFound: "NoSuchBucketPolicy" },
  "get-bucket-policy-status": { notFound: "NoSuchBucketPolicy" },
  "get-bucket-replication": { notFound: "ReplicationConfigurationNotFoundError" },
  "get-bucket-request-payment": {},
  "get-bucket-tagging": { notFound: "NoSuchTagSet" },
  "get-bucket-versioning": {},
  "get-bucket-website": { notFound: "NoSuchWebsiteConfiguration" },
  "get-object-lock-configuration": { notFound: "ObjectLockConfigurationNotFoundError" },
  "get-public-access-block": { notFound: "NoSuchPublicAccessBlockConfiguration" },
};

/**
 * Reads the S3 API marks deprecated (superseded by the -configuration ones above): the CLI still
 * accepts them but leaves them out of `aws s3api help`, and so did this sweep when it read that page.
 */
const DEPRECATED: ReadonlySet<string> = new Set(["get-bucket-lifecycle", "get-bucket-notification"]);

/** `REPLGUARD_AWSCLI_SWEEP=full`: every read on every bucket, not each at least once. */
const FULL_SWEEP = process.env.REPLGUARD_AWSCLI_SWEEP === "full";

/** get-bucket-acl → GetBucketAcl */
const operationOf = (command: string): string => command.split("-").map((word) => word[0]?.toUpperCase() + word.slice(1)).join("");

type Keys = { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_SESSION_TOKEN?: string };

interface Answer {
  command: string;
  bucket: string;
  /** "ok", or the error code the CLI printed. */
  outcome: string;
}

describe.skipIf(awsCli === undefined)("sandbox/awscli read-only sweep of the demo organization", () => {
  let sandbox: Sandbox;
  let cli: string;
  let home: string;
  let baseEnv: NodeJS.ProcessEnv;
  let driver: AwsCli;

  beforeAll(async () => {
    [sandbox, cli] = await Promise.all([startSandbox({ scenario: "demo" }), resolvePyenvShim(awsCli ?? "aws")]);
    home = mkdtempSync(join(tmpdir(), "replguard-sweep-"));
    const emptyFile = join(home, "empty");
    writeFileSync(emptyFile, "");
    baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
    Object.assign(baseEnv, { HOME: home, AWS_CONFIG_FILE: emptyFile, AWS_SHARED_CREDENTIALS_FILE: emptyFile, AWS_PAGER: "" });
    driver = await startAwsCli(cli, baseEnv);
  });
  afterAll(async () => {
    await driver?.close();
    await sandbox?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  /** The owner's keys: the audit role's session where the account has one, else the account's own principal. */
  async function ownerKeys(accountId: string): Promise<Keys> {
    const account = sandbox.world.accounts.get(accountId);
    if (account?.auditRole != null && account.status === "ACTIVE") {
      const sts = new STSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 });
      const roleArn = `arn:aws:iam::${accountId}:role/${sandbox.world.auditRoleName}`;
      const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "sweep" }));
      return { AWS_ACCESS_KEY_ID: c?.AccessKeyId ?? "", AWS_SECRET_ACCESS_KEY: c?.SecretAccessKey ?? "", AWS_SESSION_TOKEN: c?.SessionToken ?? "" };
    }
    const own = derivedCredentials(accountId);
    return { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey };
  }

  /**
   * Runs reads through the AWS CLI's own driver (test/support/awscli-driver.ts), all in one Python
   * process: starting the CLI costs seconds here, a command in a running driver milliseconds.
   */
  async function readAll(reads: ReadonlyArray<{ command: string; bucket: string; keys: Keys; region: string }>): Promise<Answer[]> {
    const results = await Promise.all(
      reads.map(({ command, bucket, keys, region }) =>
        driver.run(["s3api", command, "--bucket", bucket, ...(READS[command]?.args ?? []), "--endpoint-url", sandbox.endpoint, "--region", region, "--output", "json"], keys),
      ),
    );
    return results.map((result, i) => {
      const { command, bucket } = reads[i] as (typeof reads)[number];
      if (result.code === 0) return { command, bucket, outcome: "ok" };
      return { command, bucket, outcome: /An error occurred \(([^)]+)\)/.exec(result.stderr)?.[1] ?? `unparsed: ${result.stderr.trim()}` };
    });
  }

  it("covers every get-bucket-* read this AWS CLI has", async () => {
    // The CLI's own command table, from the driver already running: argparse lists every valid
    // choice when refused one (`aws s3api help` would start another Python and render a man page).
    const refused = await driver.run(["s3api", "no-such-command"]);
    expect(refused.code).not.toBe(0);
    const table = refused.stderr.split("valid choices are:")[1] ?? "";
    const listed = [...table.matchAll(/(?<=^|[\s|])(get-bucket-[a-z-]+|get-public-access-block|get-object-lock-configuration)(?=$|[\s|])/gm)].map((m) => m[1] as string);
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((command) => READS[command] === undefined && !DEPRECATED.has(command))).toEqual([]);
  });

  it("answers every read of every bucket as the S3 API reference allows, never 501", async () => {
    const buckets = [...sandbox.world.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const commands = Object.keys(READS);
    const pairs: Array<[string, (typeof buckets)[number]]> = [];
    if (FULL_SWEEP) {
      // Every command on every bucket (CI runs this once more with REPLGUARD_AWSCLI_SWEEP=full).
      for (const bucket of buckets) for (const command of commands) pairs.push([command, bucket]);
    } else {
      // Every command and every bucket at least once, in rotation: the quick form `npm run check` runs.
      for (let k = 0; k < Math.max(commands.length, buckets.length); k++) pairs.push([commands[k % commands.length] as string, buckets[k % buckets.length] as (typeof buckets)[number]]);
    }
    // The demo bucket whose settings are configured answers them with content, not not-found.
    const configured = sandbox.world.buckets.get("archive-inventory");
    expect(configured?.lifecycle).toBeDefined();
    for (const command of ["get-public-access-block", "get-bucket-ownership-controls", "get-bucket-lifecycle-configuration"]) pairs.push([command, configured as (typeof buckets)[number]]);
    // And each read a bucket's deny list refuses, so AccessDenied is seen where the scenario asks for it.
    const denied: Array<[string, (typeof buckets)[number]]> = buckets.flatMap((bucket) =>
      commands.filter((command) => bucket.deny.has(operationOf(command))).map((command): [string, (typeof buckets)[number]] => [command, bucket]),
    );
    expect(denied.length).toBeGreaterThan(0);
    pairs.push(...denied);

    const keysByAccount = new Map<string, Keys>();
    for (const accountId of new Set(buckets.map((bucket) => bucket.accountId))) keysByAccount.set(accountId, await ownerKeys(accountId));

    const answers = await readAll(pairs.map(([command, bucket]) => ({ command, bucket: bucket.name, keys: keysByAccount.get(bucket.accountId) as Keys, region: bucket.region })));
    const wrong = answers.filter(({ command, bucket, outcome }) => {
      const state = sandbox.world.buckets.get(bucket);
      if (state?.deny.has(operationOf(command))) return outcome !== "AccessDenied";
      return outcome !== "ok" && outcome !== READS[command]?.notFound;
    });
    expect(wrong).toEqual([]);
    expect(new Set(answers.map((answer) => answer.bucket)).size).toBe(buckets.length);
    const tail = answers.slice(pairs.length - denied.length - 3);
    expect(tail.map((answer) => answer.outcome)).toEqual([...["ok", "ok", "ok"], ...denied.map(() => "AccessDenied")]);
    expect(sandbox.calls.filter((call) => call.status === 501)).toEqual([]);
  }, 240_000);
});
