/**
 * S3 Control ListJobs on the lean path (src/aws/control-jobs.ts) answer for answer against the SDK's
 * S3 Control client, both over HTTP to the sandbox: completed jobs of several operations and Regions,
 * an account refused ListJobs, a Region without jobs, a bad continuation token; the lean pages never
 * enter the SDK client's middleware stack. And its endpoint against the SDK's rule engine for AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListJobsCommand, S3ControlClient } from "@aws-sdk/client-s3-control";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { AwsClientFactory, awsErrorMessage } from "../../src/aws/index.js";
import { PROBE_ACCOUNT, resolveControlTemplate, sdkJobLists } from "../../src/aws/control-jobs.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { account, bucket, scenario } from "../support/scenario.js";
import { callOutcome } from "../support/lean-outcome.js";

const outcome = (call: () => Promise<unknown>) => callOutcome(call, (e) => ({ message: awsErrorMessage(e) }));

const REGION = "eu-west-1";

let sandbox: Sandbox;
let factory: AwsClientFactory;
beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: scenario({
      organization: "o-leanjobs12",
      accounts: [
        account(ACCOUNTS.management, "management"),
        account(ACCOUNTS.prod, "prod", {
          buckets: [bucket("prod-data", REGION, { versioning: "Enabled", objects: 3 })],
          batchOperations: {
            jobs: [
              { region: REGION, sourceBucket: "prod-data", status: "Complete", tasks: 7, failed: 1, createdAt: "2026-01-02T03:04:05.000Z", description: "backfill & more" },
              { region: REGION, sourceBucket: "prod-data", status: "Complete", operation: "S3PutObjectTagging" },
              { region: REGION, sourceBucket: "prod-data", status: "Failed", tasks: 10, failed: 9 },
              { region: "us-east-1", sourceBucket: "prod-east", status: "Complete", tasks: 2 },
            ],
          },
        }),
        account(ACCOUNTS.dev, "dev", { batchOperations: { deny: ["ListJobs"] } }),
      ],
    }),
  });
  factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 4 });
  await factory.resolveS3Settings();
});
afterAll(async () => {
  factory.close();
  await sandbox?.close();
});

describe("aws/lean S3 Control ListJobs", () => {
  it("lists every account's jobs in each Region, and fails, as the SDK's S3 Control client does, without its stack", async () => {
    const cases: [string, string, string | undefined][] = [
      [ACCOUNTS.prod, REGION, undefined],
      [ACCOUNTS.prod, "us-east-1", undefined],
      [ACCOUNTS.prod, "eu-central-1", undefined],
      [ACCOUNTS.dev, REGION, undefined],
      [ACCOUNTS.prod, REGION, "not/a+token=&x"],
    ];
    const seen = new Set<string>();
    for (const [accountId, region, token] of cases) {
      const credentials = () => Promise.resolve(derivedCredentials(accountId));
      const client = factory.s3control(credentials, region);
      let sends = 0;
      client.middlewareStack.add((next) => (args) => {
        sends++;
        return next(args);
      }, { step: "initialize" });
      const lean = await outcome(() => factory.jobLists(credentials, region, () => client).list(accountId, token));
      expect(sends, `${accountId} ${region}: the lean page went through the SDK`).toBe(0);
      const sdk = await outcome(() => sdkJobLists(() => client).list(accountId, token));
      expect(sends).toBe(1);
      expect(lean, `${accountId} ${region} ${token}`).toEqual(sdk);
      seen.add(sdk.ok ? `jobs ${((sdk.output as { Jobs?: unknown[] }).Jobs ?? []).length}` : `error ${sdk.code}`);
    }
    // What the comparison covered: a Region with three completed-or-failed jobs listed (only Complete asked for: two), one with one, none, a refusal, a bad token.
    expect([...seen].sort()).toEqual(["error AccessDenied", "error InvalidNextTokenException", "jobs 0", "jobs 1", "jobs 2"]);
  });

  it("sends ListJobs where the SDK's S3 Control endpoint rules would, the account in the host", async () => {
    for (const config of [{ region: "us-east-1" }, { region: "eu-west-1", useDualstackEndpoint: true }, { region: "us-gov-west-1", useFipsEndpoint: true }, { region: "cn-north-1" }]) {
      const client = new S3ControlClient({ ...config, credentials: { accessKeyId: "A", secretAccessKey: "B" } });
      const template = await resolveControlTemplate(client, config.region);
      expect(template?.in).toBe("host");
      const sdk = await getEndpointFromInstructions({ AccountId: "123456789012" }, ListJobsCommand, client.config as never);
      const url = new URL(template!.url.href);
      url.hostname = url.hostname.replace(PROBE_ACCOUNT, "123456789012");
      expect(url.href, JSON.stringify(config)).toBe(sdk.url.href);
      const scheme = (sdk.properties!.authSchemes as { signingRegion: string; signingName: string }[])[0]!;
      expect([template!.signingRegion, template!.signingName]).toEqual([scheme.signingRegion, scheme.signingName]);
    }
  });
});
