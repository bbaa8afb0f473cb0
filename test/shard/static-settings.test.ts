/**
 * CPU: the settings the SDK would load through its provider chain on every call (environment,
 * shared config file, default, with a ProviderError at each miss: the profile of docs/scale.md) are
 * resolved once per scan (AwsClientFactory.resolveS3Settings), not once more for each of the
 * thousands of (account, region) clients of a large organization. Counted by reads of AWS_PROFILE,
 * the first thing that chain looks at, while clients are made and used.
 */
import { GetBucketVersioningCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClientFactory, cachedCredentials } from "../../src/aws/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { profileReads } from "../support/profile-reads.js";

describe("aws/AwsClientFactory: settings resolved once", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: "demo" });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it("makes and uses S3 clients without going back to the provider chain", async () => {
    const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 4 });
    try {
      await factory.resolveS3Settings();
      const credentials = cachedCredentials(sandbox.credentials);
      const bucket = [...sandbox.world.buckets.values()].find((b) => b.accountId === sandbox.managementAccountId && b.region === sandbox.region);
      expect(bucket).toBeDefined();
      const reads = await profileReads(async () => {
        for (let i = 0; i < 10; i++) await factory.s3(credentials, sandbox.region).send(new GetBucketVersioningCommand({ Bucket: bucket!.name }));
      });
      expect(sandbox.calls.filter((c) => c.operation === "GetBucketVersioning" && c.status === 200)).toHaveLength(10);
      // Without it: about six reads per client (61 for these ten).
      expect(reads).toBeLessThanOrEqual(1);
    } finally {
      factory.close();
    }
  });
});
