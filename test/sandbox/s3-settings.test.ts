/**
 * The bucket reads a third-party scanner sweeps (issue 11): through the real SDK, each answers as S3
 * does for a bucket never configured, or the configuration the scenario gives it, with the same
 * access rules as every other read.
 */
import {
  CreateBucketCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketRequestPaymentCommand,
  GetBucketWebsiteCommand,
  GetBucketMetricsConfigurationCommand,
  GetPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { Scenario } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { errorOf, s3As } from "../support/sandbox.js";
import { s3Scenario } from "../support/scenarios/s3.js";

const PUBLIC_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::prod-configured/*" }] };

function scenario(): Scenario {
  const base = s3Scenario();
  base.accounts[1]?.buckets?.push({
    name: "prod-configured",
    region: "eu-west-1",
    versioning: "Enabled",
    policy: PUBLIC_POLICY,
    publicAccessBlock: { BlockPublicAcls: true, BlockPublicPolicy: true },
    ownershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] },
    lifecycle: {
      Rules: [
        { ID: "expire", Status: "Enabled", Filter: { And: { Prefix: "logs/", Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] } }, Expiration: { Days: 30 } },
        { ID: "archive", Status: "Disabled", Filter: {}, Transitions: [{ Days: 10, StorageClass: "STANDARD_IA" }, { Days: 40, StorageClass: "GLACIER" }] },
      ],
    },
    deny: ["GetBucketLogging"],
  });
  return base;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: scenario() });
});
afterAll(async () => sandbox.close());

const prod = () => s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1");
const Bucket = "prod-unversioned";

describe("sandbox/s3 reads of a bucket never configured", () => {
  it("answers GetBucketAcl with the owner and its FULL_CONTROL grant", async () => {
    const out = await prod().send(new GetBucketAclCommand({ Bucket }));
    expect(out.Owner).toEqual({ ID: expect.stringMatching(/^[0-9a-f]{64}$/), DisplayName: "prod" });
    expect(out.Grants).toEqual([{ Grantee: { Type: "CanonicalUser", ID: out.Owner?.ID, DisplayName: "prod" }, Permission: "FULL_CONTROL" }]);
  });

  it.each([
    ["GetBucketPolicy", () => new GetBucketPolicyCommand({ Bucket }), "NoSuchBucketPolicy"],
    ["GetBucketPolicyStatus", () => new GetBucketPolicyStatusCommand({ Bucket }), "NoSuchBucketPolicy"],
    ["GetPublicAccessBlock", () => new GetPublicAccessBlockCommand({ Bucket }), "NoSuchPublicAccessBlockConfiguration"],
    ["GetBucketOwnershipControls", () => new GetBucketOwnershipControlsCommand({ Bucket }), "OwnershipControlsNotFoundError"],
    ["GetBucketLifecycleConfiguration", () => new GetBucketLifecycleConfigurationCommand({ Bucket }), "NoSuchLifecycleConfiguration"],
    ["GetBucketWebsite", () => new GetBucketWebsiteCommand({ Bucket }), "NoSuchWebsiteConfiguration"],
    ["GetBucketCors", () => new GetBucketCorsCommand({ Bucket }), "NoSuchCORSConfiguration"],
    ["GetBucketMetricsConfiguration", () => new GetBucketMetricsConfigurationCommand({ Bucket, Id: "all" }), "NoSuchConfiguration"],
  ] as const)("answers %s with 404 %s", async (_operation, command, code) => {
    const error = await errorOf(prod().send(command() as never));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual([code, 404]);
  });

  it("answers the logging, notification, request-payment and accelerate reads with their empty defaults", async () => {
    const [logging, notification, payment, accelerate] = await Promise.all([
      prod().send(new GetBucketLoggingCommand({ Bucket })),
      prod().send(new GetBucketNotificationConfigurationCommand({ Bucket })),
      prod().send(new GetBucketRequestPaymentCommand({ Bucket })),
      prod().send(new GetBucketAccelerateConfigurationCommand({ Bucket })),
    ]);
    expect([logging.$metadata.httpStatusCode, logging.LoggingEnabled]).toEqual([200, undefined]);
    expect([notification.$metadata.httpStatusCode, notification.TopicConfigurations, notification.QueueConfigurations]).toEqual([200, undefined, undefined]);
    expect(payment.Payer).toBe("BucketOwner");
    expect([accelerate.$metadata.httpStatusCode, accelerate.Status]).toEqual([200, undefined]);
  });
});

describe("sandbox/s3 reads of a bucket the scenario configures", () => {
  const Bucket = "prod-configured";

  it("answers GetBucketPolicy and GetBucketPolicyStatus (public: an Allow to * without a fixed-value condition)", async () => {
    expect(JSON.parse((await prod().send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? "")).toEqual(PUBLIC_POLICY);
    expect((await prod().send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus).toEqual({ IsPublic: true });
    // prod-kms only denies: not public.
    expect((await prod().send(new GetBucketPolicyStatusCommand({ Bucket: "prod-kms" }))).PolicyStatus).toEqual({ IsPublic: false });
  });

  it("answers GetPublicAccessBlock with all four settings, false where the scenario leaves one out", async () => {
    const out = await prod().send(new GetPublicAccessBlockCommand({ Bucket }));
    expect(out.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false });
  });

  it("answers GetBucketOwnershipControls and GetBucketLifecycleConfiguration as the scenario wrote them", async () => {
    expect((await prod().send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] });
    const lifecycle = await prod().send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    expect(lifecycle.Rules).toEqual([
      { ID: "expire", Status: "Enabled", Filter: { And: { Prefix: "logs/", Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] } }, Expiration: { Days: 30 } },
      { ID: "archive", Status: "Disabled", Filter: {}, Transitions: [{ Days: 10, StorageClass: "STANDARD_IA" }, { Days: 40, StorageClass: "GLACIER" }] },
    ]);
    expect(lifecycle.TransitionDefaultMinimumObjectSize).toBe("all_storage_classes_128K");
  });

  it("denies the reads the scenario's deny list names, and another account's reads without a grant", async () => {
    const denied = await errorOf(prod().send(new GetBucketLoggingCommand({ Bucket })));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
    const other = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.other, "eu-west-1").send(new GetBucketAclCommand({ Bucket })));
    expect([other.name, other.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
  });

  it("lets another account read what a bucket policy grants (s3:Get* on other-shared)", async () => {
    const out = await s3As(sandbox.endpoint, ACCOUNTS.prod).send(new GetBucketRequestPaymentCommand({ Bucket: "other-shared" }));
    expect(out.Payer).toBe("BucketOwner");
  });
});

describe("sandbox/s3 CreateBucket defaults", () => {
  it("blocks public access and enforces bucket-owner ownership on a new bucket, as S3 has since April 2023", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1");
    await client.send(new CreateBucketCommand({ Bucket: "prod-created-now", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    const block = await client.send(new GetPublicAccessBlockCommand({ Bucket: "prod-created-now" }));
    expect(Object.values(block.PublicAccessBlockConfiguration ?? {})).toEqual([true, true, true, true]);
    const ownership = await client.send(new GetBucketOwnershipControlsCommand({ Bucket: "prod-created-now" }));
    expect(ownership.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: "BucketOwnerEnforced" }]);
  });
});
