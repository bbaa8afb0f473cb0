/**
 * The AWS CLI (v1, botocore: a second independent client stack) against the sandbox:
 * `aws --endpoint-url <sandbox> … --output json` with the sandbox's keys in the environment and an
 * empty config, so nothing on this machine can interfere. Checks the JSON each command prints.
 * Commands run through the CLI's own driver in one Python process (test/support/awscli-driver.ts);
 * the real `aws` executable runs once, with nothing but what `exports()` printed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox, Scenario } from "../../src/sandbox/types.js";
import { ACCOUNTS, AUDIT_ROLE } from "../support/accounts.js";
import { type AwsCli, startAwsCli } from "../support/awscli-driver.js";
import { requireToolOrSkip, resolvePyenvShim } from "../support/executables.js";
import { account, bucket, replication as replicationOf, scenario as scenarioOf } from "../support/scenario.js";

const awsCli = requireToolOrSkip("aws", "pip install awscli");
const run = promisify(execFile);

const MANAGEMENT = ACCOUNTS.management;
const MEMBER = ACCOUNTS.prod;
const ROLE = AUDIT_ROLE;
const replication = replicationOf(MANAGEMENT, "s3-replication", [
  {
    ID: "logs-to-prod",
    Priority: 1,
    Status: "Enabled",
    Filter: { Prefix: "logs/" },
    DeleteMarkerReplication: { Status: "Enabled" },
    Destination: { Bucket: "arn:aws:s3:::cli-replica", Account: MEMBER, AccessControlTranslation: { Owner: "Destination" } },
  },
]);
const scenario: Scenario = scenarioOf({
  organization: "o-cliscenario1",
  accounts: [
    account(MANAGEMENT, "management", {
      email: "management@example.com",
      buckets: [bucket("cli-logs", "us-east-1", { versioning: "Enabled", replication }), bucket("cli-plain", "us-east-1")],
    }),
    account(MEMBER, "prod", { email: "prod@example.com", ou: "Workloads", buckets: [bucket("cli-replica", "eu-west-1", { versioning: "Enabled" })] }),
    account(ACCOUNTS.dev, "dev", { email: "dev@example.com", ou: "Workloads" }),
  ],
});

/** As `aws sts assume-role` prints them. */
interface TemporaryCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

interface CliResult {
  code: number;
  json: unknown;
  stderr: string;
}

describe.skipIf(awsCli === undefined)("sandbox/awscli", () => {
  let sandbox: Sandbox;
  let cli: string;
  let home: string;
  let baseEnv: NodeJS.ProcessEnv;
  let driver: AwsCli;

  /**
   * Runs `aws <args> --endpoint-url <sandbox> --output json` with the sandbox's management keys (or
   * `credentials`) through the driver; a non-zero exit is returned, not thrown. `endpointFlag: false`
   * leaves the endpoint to the environment the sandbox's `exports()` printed, and runs the real `aws`
   * executable: that is what a user pasting those lines into a shell would run.
   */
  async function aws(args: string[], credentials?: TemporaryCredentials, endpointFlag = true): Promise<CliResult> {
    const env: Record<string, string> = {};
    if (credentials !== undefined) {
      env.AWS_ACCESS_KEY_ID = credentials.AccessKeyId;
      env.AWS_SECRET_ACCESS_KEY = credentials.SecretAccessKey;
      env.AWS_SESSION_TOKEN = credentials.SessionToken;
    }
    const endpoint = endpointFlag ? ["--endpoint-url", sandbox.endpoint] : [];
    const argv = [...args, ...endpoint, "--output", "json", "--cli-connect-timeout", "5"];
    if (endpointFlag) {
      const { code, stdout, stderr } = await driver.run(argv, env);
      return { code, json: code === 0 && stdout.trim() !== "" ? JSON.parse(stdout) : null, stderr };
    }
    try {
      const { stdout, stderr } = await run(cli, argv, { env: { ...baseEnv, ...env }, timeout: 20_000 });
      return { code: 0, json: stdout.trim() === "" ? null : JSON.parse(stdout), stderr };
    } catch (error) {
      const failed = error as { code?: number | string; stderr?: string };
      if (typeof failed.code !== "number") throw error;
      return { code: failed.code, json: null, stderr: failed.stderr ?? "" };
    }
  }

  beforeAll(async () => {
    [sandbox, cli] = await Promise.all([startSandbox({ scenario }), resolvePyenvShim(awsCli ?? "aws")]);
    home = mkdtempSync(join(tmpdir(), "replguard-awscli-"));
    const emptyFile = join(home, "empty");
    writeFileSync(emptyFile, "");
    // Nothing from this machine's AWS setup may leak in: drop every AWS_* variable, empty config files, a fresh HOME.
    baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
    Object.assign(baseEnv, { HOME: home, AWS_CONFIG_FILE: emptyFile, AWS_SHARED_CREDENTIALS_FILE: emptyFile, AWS_PAGER: "" });
    // Then exactly what the sandbox tells a user to paste into a shell: endpoint, management keys, region.
    for (const line of sandbox.exports().split("\n")) {
      const assignment = /^export (AWS_[A-Z_]+)=(.*)$/.exec(line.trim());
      if (assignment?.[1] !== undefined) baseEnv[assignment[1]] = assignment[2]?.replace(/^'(.*)'$/, "$1");
    }
    driver = await startAwsCli(cli, baseEnv);
  });
  afterAll(async () => {
    await driver?.close();
    await sandbox?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it("prints exports() that a shell can use as is: AWS_DEFAULT_REGION and the management keys", () => {
    expect(baseEnv).toMatchObject({
      AWS_ENDPOINT_URL: sandbox.endpoint,
      AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: sandbox.region,
    });
  });

  it("answers sts get-caller-identity as the management account, reaching the sandbox through exports() alone", async () => {
    const result = await aws(["sts", "get-caller-identity"], undefined, false);
    expect(result).toMatchObject({ code: 0, json: { Account: MANAGEMENT, Arn: expect.stringMatching(new RegExp(`^arn:aws:(iam|sts)::${MANAGEMENT}:`)) } });
  });

  it("answers sts assume-role with credentials that act as the member account", async () => {
    const roleArn = `arn:aws:iam::${MEMBER}:role/${ROLE}`;
    const assumed = await aws(["sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "cli-test"]);
    expect(assumed).toMatchObject({
      code: 0,
      json: {
        Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/), SecretAccessKey: expect.any(String), SessionToken: expect.any(String) },
        AssumedRoleUser: { Arn: `arn:aws:sts::${MEMBER}:assumed-role/${ROLE}/cli-test` },
      },
    });
    const asMember = (assumed.json as { Credentials: TemporaryCredentials }).Credentials;
    expect(Date.parse(asMember.Expiration)).toBeGreaterThan(Date.now());
    // Acting as the member account: ListBuckets answers only that account's buckets.
    const buckets = await aws(["s3api", "list-buckets"], asMember);
    expect((buckets.json as { Buckets: Array<{ Name: string }> }).Buckets.map((bucket) => bucket.Name)).toEqual(["cli-replica"]);
  });

  it("answers organizations list-accounts, following NextToken page by page", async () => {
    const result = await aws(["organizations", "list-accounts", "--page-size", "1"]);
    expect(result.code).toBe(0);
    const accounts = (result.json as { Accounts: Array<Record<string, unknown>> }).Accounts;
    expect(accounts.map((account) => [account.Id, account.Name, account.Email, account.Status]).sort()).toEqual([
      [MANAGEMENT, "management", "management@example.com", "ACTIVE"],
      [MEMBER, "prod", "prod@example.com", "ACTIVE"],
      [ACCOUNTS.dev, "dev", "dev@example.com", "ACTIVE"],
    ]);
    expect(accounts[0]?.Arn).toMatch(new RegExp(`^arn:aws:organizations::${MANAGEMENT}:account/o-cliscenario1/\\d{12}$`));
  });

  it("answers s3api get-bucket-replication with the scenario's configuration, and the error code without one", async () => {
    const [result, none] = await Promise.all([
      aws(["s3api", "get-bucket-replication", "--bucket", "cli-logs"]),
      aws(["s3api", "get-bucket-replication", "--bucket", "cli-plain"]),
    ]);
    expect(result).toMatchObject({ code: 0, json: { ReplicationConfiguration: replication } });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("ReplicationConfigurationNotFoundError");
  });

  it("creates a bucket with s3api create-bucket and lists it with its region", async () => {
    const created = await aws([
      "s3api", "create-bucket", "--bucket", "cli-new", "--region", "eu-west-1",
      "--create-bucket-configuration", "LocationConstraint=eu-west-1",
    ]);
    expect(created).toMatchObject({ code: 0, json: { Location: expect.stringContaining("cli-new") } });
    const listed = await aws(["s3api", "list-buckets"]);
    const buckets = (listed.json as { Buckets: Array<{ Name: string; BucketRegion?: string }> }).Buckets;
    expect(buckets.map((bucket) => [bucket.Name, bucket.BucketRegion]).sort()).toEqual([
      ["cli-logs", "us-east-1"],
      ["cli-new", "eu-west-1"],
      ["cli-plain", "us-east-1"],
    ]);
  });

  it("takes s3api put-bucket-versioning, as get-bucket-versioning then shows", async () => {
    const inEu = ["--bucket", "cli-new", "--region", "eu-west-1"];
    const put = await aws(["s3api", "put-bucket-versioning", ...inEu, "--versioning-configuration", "Status=Enabled"]);
    expect(put).toMatchObject({ code: 0, json: null });
    expect(await aws(["s3api", "get-bucket-versioning", ...inEu])).toMatchObject({ code: 0, json: { Status: "Enabled" } });
    expect(sandbox.calls.filter((call) => call.operation === "PutBucketVersioning").map((call) => [call.bucket, call.status])).toEqual([["cli-new", 200]]);
  });

  it("answers s3api head-bucket --no-sign-request with 404, 403 or 301 as S3 does for an anonymous caller", async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html: the Region header whatever the permissions.
    const [missing, here, elsewhere] = await Promise.all([
      aws(["s3api", "head-bucket", "--no-sign-request", "--bucket", "cli-nothing-here"]),
      aws(["s3api", "head-bucket", "--no-sign-request", "--bucket", "cli-plain"]),
      aws(["s3api", "head-bucket", "--no-sign-request", "--bucket", "cli-replica"]),
    ]);
    expect(missing.stderr).toMatch(/\(404\).*HeadBucket/);
    expect(here.stderr).toMatch(/\(403\).*HeadBucket/);
    expect(elsewhere.stderr).toMatch(/\(301\).*HeadBucket/);
    const heads = sandbox.calls.filter((call) => call.operation === "HeadBucket" && call.account === null);
    expect(heads.map((call) => [call.bucket, call.status]).sort()).toEqual(expect.arrayContaining([
      ["cli-nothing-here", 404],
      ["cli-plain", 403],
      ["cli-replica", 301],
    ]));
  });

  it("signs the next command again after --no-sign-request, in its own region: no command sees the one before", async () => {
    await aws(["s3api", "head-bucket", "--no-sign-request", "--bucket", "cli-plain", "--region", "eu-west-1"]);
    const listed = await aws(["s3api", "list-buckets"]);
    expect(listed.code).toBe(0);
    expect(sandbox.calls.filter((call) => call.operation === "ListBuckets").at(-1)).toMatchObject({ account: MANAGEMENT, status: 200 });
  });

  it("refuses missing arguments with argparse's exit code 2 and message, as the aws executable does", async () => {
    const refused = await aws(["s3api", "get-bucket-acl"]);
    expect(refused).toMatchObject({ code: 2, json: null });
    expect(refused.stderr).toContain("aws: error: the following arguments are required: --bucket");
  });
});
