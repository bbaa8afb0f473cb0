/**
 * CPU: every client a scan makes per account (STS for AssumeRole, S3 Control for the batch jobs
 * fact, IAM and KMS for the access facts) gets the settings the SDK would otherwise load through its
 * provider chain (environment, shared config file, default, a ProviderError at each miss) once per
 * client: resolved once per scan, as the S3 clients' already were (test/shard/static-settings.test.ts).
 * A 40 × 100 audit plan makes ~185 S3 Control clients, one per account and Region (docs/scale.md, "CPU").
 * Counted by reads of AWS_PROFILE, the first thing that chain looks at, while clients are made and used.
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DescribeOrganizationCommand } from "@aws-sdk/client-organizations";
import { ListJobsCommand } from "@aws-sdk/client-s3-control";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClientFactory, cachedCredentials } from "../../src/aws/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { profileReads } from "../support/profile-reads.js";

describe("aws/AwsClientFactory: every client kind without the provider chain", () => {
  let sandbox: Sandbox;
  let factory: AwsClientFactory;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: "demo" });
    factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 4 });
    await factory.resolveS3Settings();
    // The SDK loads `disableClockSkewCorrection` once per process (a module-level provider), on the first signed call.
    await factory.sts(cachedCredentials(sandbox.credentials)).send(new GetCallerIdentityCommand({}));
  });
  afterAll(async () => {
    factory?.close();
    await sandbox?.close();
  });

  /** Each kind: a new client (as the scan makes one per account) and one call, answered or refused. */
  const kinds: Record<string, (credentials: ReturnType<typeof cachedCredentials>) => Promise<unknown>> = {
    sts: (c) => factory.sts(c).send(new GetCallerIdentityCommand({})),
    organizations: (c) => factory.organizations(c).send(new DescribeOrganizationCommand({})),
    s3control: (c) => factory.s3control(c, sandbox.region).send(new ListJobsCommand({ AccountId: sandbox.managementAccountId, JobStatuses: ["Complete"] })),
    iam: (c) => factory.iam(c).send(new GetRoleCommand({ RoleName: "replguard-no-such-role" })),
    kms: (c) => factory.kms(c, sandbox.region).send(new GetKeyPolicyCommand({ KeyId: "00000000-0000-0000-0000-000000000000", PolicyName: "default" })),
  };

  it.each(Object.keys(kinds))("makes and uses %s clients without going back to the provider chain", async (kind) => {
    const credentials = cachedCredentials(sandbox.credentials);
    const before = sandbox.calls.length;
    const reads = await profileReads(async () => {
      for (let i = 0; i < 5; i++) await kinds[kind]!(credentials).catch(() => undefined);
    });
    // Five calls reached the sandbox (answered or refused there, not failed in the client).
    expect(sandbox.calls.length - before).toBe(5);
    // Without the resolved settings: one read per setting and client (FIPS, dual-stack, app id…).
    expect(reads).toBe(0);
  });
});
