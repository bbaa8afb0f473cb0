import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { errorOf, s3As } from "../support/sandbox.js";
import { s3Scenario } from "../support/scenarios/s3.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: s3Scenario() });
});
afterAll(async () => sandbox.close());

const prod = (region = "eu-west-1") => s3As(sandbox.endpoint, ACCOUNTS.prod, region);

describe("sandbox/s3 GetBucketVersioning", () => {
  it("answers an empty configuration for a bucket never versioned", async () => {
    const out = await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-unversioned" }));
    expect([out.Status, out.MFADelete]).toEqual([undefined, undefined]);
  });

  it("answers Enabled and Suspended as configured", async () => {
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-source" }))).Status).toBe("Enabled");
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-suspended" }))).Status).toBe("Suspended");
  });
});

describe("sandbox/s3 PutBucketVersioning", () => {
  it("enables then suspends versioning on a plain bucket", async () => {
    await prod().send(new PutBucketVersioningCommand({ Bucket: "prod-unversioned", VersioningConfiguration: { Status: "Enabled" } }));
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-unversioned" }))).Status).toBe("Enabled");
    await prod().send(new PutBucketVersioningCommand({ Bucket: "prod-unversioned", VersioningConfiguration: { Status: "Suspended" } }));
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-unversioned" }))).Status).toBe("Suspended");
  });

  it("refuses to suspend versioning on an Object Lock bucket with InvalidBucketState", async () => {
    const error = await errorOf(prod().send(new PutBucketVersioningCommand({ Bucket: "prod-locked", VersioningConfiguration: { Status: "Suspended" } })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      "InvalidBucketState",
      409,
      "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
    ]);
  });

  it("accepts re-enabling versioning on an Object Lock bucket", async () => {
    const out = await prod().send(new PutBucketVersioningCommand({ Bucket: "prod-locked", VersioningConfiguration: { Status: "Enabled" } }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it("refuses to suspend versioning while a replication configuration is present", async () => {
    const error = await errorOf(prod().send(new PutBucketVersioningCommand({ Bucket: "prod-replicating", VersioningConfiguration: { Status: "Suspended" } })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidBucketState", 409]);
    expect(error.message).toMatch(/^A replication configuration is present on this bucket/);
    expect((await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-replicating" }))).Status).toBe("Enabled");
  });

  it("refuses an MFADelete change without the x-amz-mfa header", async () => {
    const error = await errorOf(
      prod().send(new PutBucketVersioningCommand({ Bucket: "prod-source", VersioningConfiguration: { Status: "Enabled", MFADelete: "Enabled" } })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidRequest", 400]);
  });

  it("records MFADelete when the MFA header is sent", async () => {
    await prod().send(new PutBucketVersioningCommand({ Bucket: "prod-suspended", MFA: "arn:aws:iam::222222222222:mfa/root 123456", VersioningConfiguration: { Status: "Enabled", MFADelete: "Disabled" } }));
    const out = await prod().send(new GetBucketVersioningCommand({ Bucket: "prod-suspended" }));
    expect([out.Status, out.MFADelete]).toEqual(["Enabled", "Disabled"]);
  });

  it("logs PutBucketVersioning as mutating even when refused", async () => {
    const before = sandbox.calls.length;
    await errorOf(prod().send(new PutBucketVersioningCommand({ Bucket: "prod-locked", VersioningConfiguration: { Status: "Suspended" } })));
    expect(sandbox.calls.slice(before)).toEqual([expect.objectContaining({ operation: "PutBucketVersioning", bucket: "prod-locked", status: 409, mutating: true })]);
  });
});

describe("sandbox/s3 Object Lock configuration", () => {
  it("answers the default retention of an Object Lock bucket", async () => {
    const out = await prod().send(new GetObjectLockConfigurationCommand({ Bucket: "prod-locked" }));
    expect(out.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 365 } } });
  });

  it("answers ObjectLockConfigurationNotFoundError for a bucket without Object Lock", async () => {
    const error = await errorOf(prod().send(new GetObjectLockConfigurationCommand({ Bucket: "prod-source" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["ObjectLockConfigurationNotFoundError", 404]);
  });

  it("refuses to enable Object Lock on a bucket whose versioning is not Enabled", async () => {
    const error = await errorOf(
      prod().send(new PutObjectLockConfigurationCommand({ Bucket: "prod-kms", ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidBucketState", 409]);
  });

  it("refuses a default retention with both Days and Years as MalformedXML", async () => {
    const error = await errorOf(
      prod().send(
        new PutObjectLockConfigurationCommand({
          Bucket: "prod-locked",
          ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1, Years: 1 } } },
        }),
      ),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["MalformedXML", 400]);
  });

  it("enables Object Lock with a default retention on a versioned bucket", async () => {
    await prod().send(
      new PutObjectLockConfigurationCommand({
        Bucket: "prod-denied",
        ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Years: 2 } } },
      }),
    );
    const out = await prod().send(new GetObjectLockConfigurationCommand({ Bucket: "prod-denied" }));
    expect(out.ObjectLockConfiguration?.Rule?.DefaultRetention).toEqual({ Mode: "GOVERNANCE", Years: 2 });
  });
});

describe("sandbox/s3 GetBucketEncryption", () => {
  it("answers SSE-S3 (AES256) for a bucket the scenario gives no encryption", async () => {
    const out = await prod().send(new GetBucketEncryptionCommand({ Bucket: "prod-source" }));
    expect(out.ServerSideEncryptionConfiguration?.Rules).toEqual([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }]);
  });

  it("answers the scenario's SSE-KMS key and bucket key", async () => {
    const out = await prod().send(new GetBucketEncryptionCommand({ Bucket: "prod-kms" }));
    expect(out.ServerSideEncryptionConfiguration?.Rules?.[0]).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: `arn:aws:kms:eu-west-1:${ACCOUNTS.prod}:key/abc` },
      BucketKeyEnabled: true,
    });
  });
});

describe("sandbox/s3 GetBucketTagging", () => {
  it("answers the tag set", async () => {
    const out = await prod().send(new GetBucketTaggingCommand({ Bucket: "prod-kms" }));
    expect(out.TagSet).toEqual([{ Key: "classification", Value: "sensitive" }, { Key: "team", Value: "data" }]);
  });

  it("answers NoSuchTagSet for a bucket without tags", async () => {
    const error = await errorOf(prod().send(new GetBucketTaggingCommand({ Bucket: "prod-source" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["NoSuchTagSet", 404]);
  });
});

describe("sandbox/s3 GetBucketPolicy", () => {
  it("answers the policy document as JSON text", async () => {
    const out = await prod().send(new GetBucketPolicyCommand({ Bucket: "prod-kms" }));
    expect(JSON.parse(out.Policy ?? "{}")).toMatchObject({ Statement: [{ Effect: "Deny", Action: "s3:DeleteBucket" }] });
  });

  it("answers NoSuchBucketPolicy for a bucket without a policy", async () => {
    const error = await errorOf(prod().send(new GetBucketPolicyCommand({ Bucket: "prod-source" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["NoSuchBucketPolicy", 404]);
  });

  it("answers 405 MethodNotAllowed to another account the policy lets read it", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new GetBucketPolicyCommand({ Bucket: "other-shared" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["MethodNotAllowed", 405]);
    expect((await s3As(sandbox.endpoint, ACCOUNTS.other).send(new GetBucketPolicyCommand({ Bucket: "other-shared" }))).Policy).toContain("s3:Get*");
  });
});
