import {
  GetBucketEncryptionCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedCredentials, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { errorOf, s3As } from "../support/sandbox.js";
import { s3Scenario } from "../support/scenarios/s3.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: s3Scenario() });
});
afterAll(async () => sandbox.close());

const prod = () => s3As(sandbox.endpoint, ACCOUNTS.prod);

describe("sandbox/s3 cross-account access", () => {
  it("denies another account's bucket without a policy grant", async () => {
    const error = await errorOf(prod().send(new GetBucketVersioningCommand({ Bucket: "other-private" })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(["AccessDenied", 403, "Access Denied"]);
  });

  it("allows the actions the bucket policy grants the caller's account (s3:Get* wildcard, s3:ListBucket)", async () => {
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "other-shared" }))).Status).toBe("Enabled");
    expect((await prod().send(new HeadBucketCommand({ Bucket: "other-shared" }))).BucketRegion).toBe("us-east-1");
    const error = await errorOf(prod().send(new GetBucketReplicationCommand({ Bucket: "other-shared" })));
    expect(error.name).toBe("ReplicationConfigurationNotFoundError");
  });

  it("lets an explicit Deny win over an Allow", async () => {
    const error = await errorOf(prod().send(new GetBucketEncryptionCommand({ Bucket: "other-shared" })));
    expect(error.name).toBe("AccessDenied");
    expect((await s3As(sandbox.endpoint, ACCOUNTS.other).send(new GetBucketEncryptionCommand({ Bucket: "other-shared" }))).ServerSideEncryptionConfiguration).toBeDefined();
  });

  it("denies actions the policy does not grant", async () => {
    const error = await errorOf(prod().send(new PutBucketVersioningCommand({ Bucket: "other-shared", VersioningConfiguration: { Status: "Suspended" } })));
    expect(error.name).toBe("AccessDenied");
  });

  it("grants through aws:PrincipalOrgID to organization members only", async () => {
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "other-org-shared" }))).Status).toBe("Enabled");
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.external).send(new GetBucketVersioningCommand({ Bucket: "other-org-shared" })));
    expect(error.name).toBe("AccessDenied");
  });

  it("denies a bucket owned outside the organization", async () => {
    const error = await errorOf(prod().send(new GetBucketVersioningCommand({ Bucket: "outsider-bucket" })));
    expect(error.name).toBe("AccessDenied");
  });

  it("records the refusal in the call log with the caller's account", async () => {
    const before = sandbox.calls.length;
    await errorOf(prod().send(new GetBucketVersioningCommand({ Bucket: "other-private" })));
    expect(sandbox.calls.slice(before)).toEqual([
      expect.objectContaining({ service: "s3", operation: "GetBucketVersioning", account: ACCOUNTS.prod, bucket: "other-private", status: 403, mutating: false }),
    ]);
  });
});

describe("sandbox/s3 bucket policy Deny for the owner", () => {
  it("denies the owner an action its own bucket policy denies, and nothing else", async () => {
    const owner = s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1");
    const error = await errorOf(owner.send(new GetBucketVersioningCommand({ Bucket: "prod-self-denied" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
    expect((await owner.send(new GetBucketEncryptionCommand({ Bucket: "prod-self-denied" }))).ServerSideEncryptionConfiguration).toBeDefined();
  });
});

describe("sandbox/s3 virtual-hosted-style requests", () => {
  it("reads the bucket from the Host header", async () => {
    const port = new URL(sandbox.endpoint).port;
    // bucket.localhost resolves to loopback here whatever the system resolver does.
    const agent = new Agent({ lookup: (_host, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]) });
    const client = new S3Client({
      endpoint: `http://localhost:${port}`,
      region: "eu-west-1",
      credentials: derivedCredentials(ACCOUNTS.prod),
      forcePathStyle: false,
      maxAttempts: 1,
      requestHandler: { httpAgent: agent },
    });
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: "prod-source" }))).Status).toBe("Enabled");
    expect(sandbox.calls.at(-1)).toMatchObject({ operation: "GetBucketVersioning", bucket: "prod-source", status: 200 });
  });
});

describe("sandbox/s3 with AssumeRole credentials", () => {
  it("acts as the account whose audit role was assumed", async () => {
    const sts = new STSClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials, maxAttempts: 1 });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNTS.prod}:role/OrganizationAccountAccessRole`, RoleSessionName: "s3-test" }));
    const creds = assumed.Credentials;
    const s3 = new S3Client({
      endpoint: sandbox.endpoint,
      region: "eu-west-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" },
    });
    const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    expect(names).toContain("prod-source");
    expect(names).not.toContain("mgmt-trail");
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "prod-source" }))).Status).toBe("Enabled");
  });
});
