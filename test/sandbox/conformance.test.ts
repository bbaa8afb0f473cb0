/**
 * Fidelity against a reference nobody here wrote: the same AWS SDK v3 calls go to the sandbox and to
 * moto_server, and the parsed answers are compared field by field (volatile values compared on
 * format only, see test/sandbox/conformance/normalise-aws.ts). Where moto is known to differ from AWS, the
 * sandbox is held to the AWS documentation and moto is checked to still differ
 * (test/sandbox/conformance/known-differences.ts, docs/sandbox-conformance.md).
 */
import { readFileSync } from "node:fs";
import * as s3 from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { answerOf, s3For, type LoopbackTarget } from "./conformance/aws-clients.js";
import { createHarness, knownDifferenceTitle, type Answer } from "./conformance/harness.js";
import { describeS3ReadsConformance } from "./conformance/s3-reads.js";
import { describeS3ReplicationConformance } from "./conformance/s3-replication.js";
import { describeStsAndOrganizationsConformance } from "./conformance/sts-organizations.js";
import {
  CONFIGURED_BUCKET,
  REPLICATED_BUCKET,
  SEQUENCE_BUCKETS,
  buildWorldInMoto,
  conformanceScenario,
} from "./conformance/world.js";
import { KNOWN_DIFFERENCES } from "./conformance/known-differences.js";
import { sharedMotoOrSkip } from "../support/moto.js";
import { FORMATS, isDate, matches, normalise, sortedBy, token, without } from "./conformance/normalise-aws.js";

const moto = await sharedMotoOrSkip();

const { SOURCE, DEST, LOCKED, MISSING } = SEQUENCE_BUCKETS;
const inEu = (t: LoopbackTarget) => s3For(t, "eu-west-1");

describe("sandbox/conformance: known differences table", () => {
  it("lists every known difference, with its documentation, in docs/sandbox-conformance.md", () => {
    const doc = readFileSync(new URL("../../docs/sandbox-conformance.md", import.meta.url), "utf8");
    for (const difference of KNOWN_DIFFERENCES) {
      expect(doc, difference.id).toContain(`\`${difference.id}\``);
      for (const url of difference.docs) expect(doc, `${difference.id} cites ${url}`).toContain(url);
    }
  });
});

describe.skipIf(moto === undefined)("sandbox/conformance against moto_server", () => {
  let sandbox: Sandbox;
  const harness = createHarness();
  const { both, expectBoth, target } = harness;

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: conformanceScenario() });
    target.sandbox = { endpoint: sandbox.endpoint, credentials: sandbox.credentials };
    // moto accepts any key and acts as its default account, which the scenario uses as management account.
    target.moto = { endpoint: moto?.endpoint ?? "", credentials: { accessKeyId: "AKIAMOTOEXAMPLE00001", secretAccessKey: "moto" } };
    await buildWorldInMoto(target.moto);
  });
  afterAll(async () => {
    await sandbox?.close();
    await moto?.stop();
  });

  describe("S3", () => {
    const created = (Bucket: string) => ({ Location: `/${Bucket}` });

    it("creates buckets in us-east-1 and eu-west-1, with Object Lock, and answers a second create as S3 does", async () => {
      await expectBoth((t) => s3For(t).send(new s3.CreateBucketCommand({ Bucket: SOURCE })), created(SOURCE));
      const inEuWest1 = { Bucket: DEST, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" as const } };
      await expectBoth((t) => inEu(t).send(new s3.CreateBucketCommand(inEuWest1)), created(DEST));
      await expectBoth((t) => s3For(t).send(new s3.CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true })), created(LOCKED));
      // Outside us-east-1 a second create by the owner is 409; us-east-1 answers 200 for legacy compatibility.
      await expectBoth((t) => inEu(t).send(new s3.CreateBucketCommand(inEuWest1)), { error: "BucketAlreadyOwnedByYou", status: 409 });
      await expectBoth((t) => s3For(t).send(new s3.CreateBucketCommand({ Bucket: SOURCE })), created(SOURCE));
    });

    it("refuses a LocationConstraint of us-east-1 and one that contradicts the signing region", async () => {
      const usEast1 = { Bucket: "conf-refused", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as s3.BucketLocationConstraint } };
      await expectBoth((t) => s3For(t).send(new s3.CreateBucketCommand(usEast1)), { error: "InvalidLocationConstraint", status: 400 });
      const elsewhere = { Bucket: "conf-refused", CreateBucketConfiguration: { LocationConstraint: "ap-southeast-2" as const } };
      await expectBoth((t) => inEu(t).send(new s3.CreateBucketCommand(elsewhere)), { error: "IllegalLocationConstraintException", status: 400 });
    });

    // BucketRegion and ContinuationToken are compared in list-buckets-region-and-token.
    const listed = (answer: Answer) =>
      normalise(without(answer as s3.ListBucketsOutput, "ContinuationToken", "Prefix"), {
        CreationDate: (value) => token("date", isDate, value),
        // DisplayName is deprecated and legitimately absent; the owner id is generated.
        Owner: (owner) => ({ ID: token("canonical user id", matches(FORMATS.canonicalUserId), (owner as s3.Owner | undefined)?.ID) }),
      });
    const bucketsOf = (answer: Answer) => sortedBy((answer as s3.ListBucketsOutput).Buckets, "Name");

    it("lists the caller's buckets with ListBuckets", async () => {
      const answers = await both((t) => s3For(t).send(new s3.ListBucketsCommand({})));
      const withoutRegions = (answer: Answer) => ({ ...answer, Buckets: bucketsOf(answer).map((bucket) => without(bucket, "BucketRegion")) });
      expect(listed(withoutRegions(answers.sandbox))).toEqual(listed(withoutRegions(answers.moto)));
      const names = [CONFIGURED_BUCKET.name, DEST, LOCKED, REPLICATED_BUCKET.name, SOURCE];
      expect(bucketsOf(answers.sandbox).map((bucket) => bucket.Name)).toEqual(names);
    });

    it("filters ListBuckets by bucket-region and by prefix", async () => {
      const names = (answer: Answer) => ({ names: bucketsOf(answer).map((bucket) => bucket.Name) });
      // A bucket-region filter is only supported on that region's endpoint: sign for eu-west-1.
      await expectBoth((t) => inEu(t).send(new s3.ListBucketsCommand({ BucketRegion: "eu-west-1" })), { names: [DEST] }, names);
      await expectBoth((t) => s3For(t).send(new s3.ListBucketsCommand({ Prefix: "conf-lo" })), { names: [LOCKED] }, names);
    });

    it(knownDifferenceTitle("list-buckets-region-and-token"), async () => {
      const all = await answerOf(s3For(target.sandbox).send(new s3.ListBucketsCommand({})));
      const regions = bucketsOf(all).map((bucket) => [bucket.Name, bucket.BucketRegion]);
      expect(regions).toEqual([
        [CONFIGURED_BUCKET.name, "us-east-1"],
        [DEST, "eu-west-1"],
        [LOCKED, "us-east-1"],
        [REPLICATED_BUCKET.name, "us-east-1"],
        [SOURCE, "us-east-1"],
      ]);
      const first = (await answerOf(s3For(target.sandbox).send(new s3.ListBucketsCommand({ MaxBuckets: 3 })))) as s3.ListBucketsOutput;
      expect(first.Buckets).toHaveLength(3);
      expect(first.ContinuationToken).toEqual(expect.any(String));
      const rest = await answerOf(s3For(target.sandbox).send(new s3.ListBucketsCommand({ MaxBuckets: 3, ContinuationToken: first.ContinuationToken })));
      expect((rest as s3.ListBucketsOutput).ContinuationToken).toBeUndefined();
      expect([...(first.Buckets ?? []), ...bucketsOf(rest)].map((bucket) => bucket.Name).sort()).toEqual(regions.map(([name]) => name));

      const moto = (await answerOf(s3For(target.moto).send(new s3.ListBucketsCommand({ MaxBuckets: 3 })))) as s3.ListBucketsOutput;
      expect(moto.Buckets, "moto no longer truncates: check it now pages").toHaveLength(3);
      expect({ token: moto.ContinuationToken, regions: moto.Buckets?.map((bucket) => bucket.BucketRegion) }).toEqual({
        token: undefined,
        regions: [undefined, undefined, undefined],
      });
    });

    it(knownDifferenceTitle("s3-common-response-headers"), async () => {
      const ids = async (t: LoopbackTarget) => {
        const { $metadata } = await s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket: CONFIGURED_BUCKET.name }));
        return { requestId: typeof $metadata.requestId, extendedRequestId: typeof $metadata.extendedRequestId };
      };
      expect(await ids(target.sandbox)).toEqual({ requestId: "string", extendedRequestId: "string" });
      expect(await ids(target.moto)).toEqual({ requestId: "string", extendedRequestId: "undefined" });
    });

    it(knownDifferenceTitle("signature-verified"), async () => {
      const forged = (t: LoopbackTarget): LoopbackTarget => ({ ...t, credentials: { ...t.credentials, secretAccessKey: "not-the-secret" } });
      const answers = await both((t) => s3For(forged(t)).send(new s3.ListBucketsCommand({})));
      expect(answers.sandbox).toEqual({ error: "SignatureDoesNotMatch", status: 403 });
      expect(answers.moto).toHaveProperty("Buckets");
    });

    it(knownDifferenceTitle("bucket-name-rules"), async () => {
      const answers = await both((t) => s3For(t).send(new s3.CreateBucketCommand({ Bucket: "Bad_Name" })));
      expect(answers.sandbox).toEqual({ error: "InvalidBucketName", status: 400 });
      expect(answers.moto).toEqual({ Location: "/Bad_Name" });
      await s3For(target.moto).send(new s3.DeleteBucketCommand({ Bucket: "Bad_Name" }));
    });

    it(knownDifferenceTitle("wrong-region-redirect"), async () => {
      // Signed for us-east-1, but conf-dest lives in eu-west-1.
      const answers = await both((t) => s3For(t, "us-east-1").send(new s3.GetBucketVersioningCommand({ Bucket: DEST })));
      expect(answers.sandbox).toEqual({ error: "PermanentRedirect", status: 301 });
      expect(answers.moto).toEqual({});
      // The SDK's own region-redirect logic (followRegionRedirects) must find its way from the sandbox's answer.
      const following = (t: LoopbackTarget) =>
        new s3.S3Client({
          endpoint: t.endpoint,
          credentials: t.credentials,
          region: "us-east-1",
          forcePathStyle: true,
          maxAttempts: 1,
          followRegionRedirects: true,
        });
      await expectBoth((t) => following(t).send(new s3.GetBucketVersioningCommand({ Bucket: DEST })), {});
    });

    it("answers GetBucketLocation and HeadBucket with the bucket's region", async () => {
      await expectBoth((t) => s3For(t).send(new s3.GetBucketLocationCommand({ Bucket: SOURCE })), {});
      await expectBoth((t) => s3For(t).send(new s3.GetBucketLocationCommand({ Bucket: DEST })), { LocationConstraint: "eu-west-1" });
      await expectBoth((t) => s3For(t).send(new s3.HeadBucketCommand({ Bucket: SOURCE })), { BucketRegion: "us-east-1" });
      await expectBoth((t) => inEu(t).send(new s3.HeadBucketCommand({ Bucket: DEST })), { BucketRegion: "eu-west-1" });
      await expectBoth((t) => s3For(t).send(new s3.HeadBucketCommand({ Bucket: MISSING })), { error: "NotFound", status: 404 });
    });

    it("answers GetBucketVersioning: nothing before versioning was ever set, Enabled for an Object Lock bucket", async () => {
      await expectBoth((t) => s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket: SOURCE })), {});
      await expectBoth((t) => s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket: LOCKED })), { Status: "Enabled" });
    });

    describeS3ReplicationConformance(harness);
    describeS3ReadsConformance(harness);

    it("answers Get/PutObjectLockConfiguration", async () => {
      await expectBoth((t) => s3For(t).send(new s3.GetObjectLockConfigurationCommand({ Bucket: SOURCE })), {
        error: "ObjectLockConfigurationNotFoundError",
        status: 404,
      });
      await expectBoth((t) => s3For(t).send(new s3.GetObjectLockConfigurationCommand({ Bucket: LOCKED })), {
        ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" },
      });
      const lock = { ObjectLockEnabled: "Enabled" as const, Rule: { DefaultRetention: { Mode: "COMPLIANCE" as const, Days: 30 } } };
      await expectBoth((t) => s3For(t).send(new s3.PutObjectLockConfigurationCommand({ Bucket: LOCKED, ObjectLockConfiguration: lock })), {});
    });

    it(knownDifferenceTitle("object-lock-retention-days-or-years"), async () => {
      const answers = await both((t) => s3For(t).send(new s3.GetObjectLockConfigurationCommand({ Bucket: LOCKED })));
      const retention = { Mode: "COMPLIANCE", Days: 30 };
      expect(answers.sandbox).toEqual({ ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: retention } } });
      expect(answers.moto).toEqual({ ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { ...retention, Years: 0 } } } });
    });

    it(knownDifferenceTitle("versioning-suspend-with-object-lock"), async () => {
      const suspend = { Bucket: LOCKED, VersioningConfiguration: { Status: "Suspended" as const } };
      const sandboxAnswer = await answerOf(s3For(target.sandbox).send(new s3.PutBucketVersioningCommand(suspend)));
      expect(sandboxAnswer).toEqual({ error: "InvalidBucketState", status: 409 });
      // On a scratch bucket so that moto's wrong answer does not change the state the sequence relies on.
      const scratch = "conf-locked-scratch";
      await s3For(target.moto).send(new s3.CreateBucketCommand({ Bucket: scratch, ObjectLockEnabledForBucket: true }));
      const motoAnswer = await answerOf(s3For(target.moto).send(new s3.PutBucketVersioningCommand({ ...suspend, Bucket: scratch })));
      await s3For(target.moto).send(new s3.DeleteBucketCommand({ Bucket: scratch }));
      expect(motoAnswer, "moto now refuses: remove the known difference").toEqual({});
    });

    it("answers GetBucketEncryption, GetBucketTagging and GetBucketPolicy for a configured bucket", async () => {
      const Bucket = CONFIGURED_BUCKET.name;
      await expectBoth((t) => s3For(t).send(new s3.GetBucketEncryptionCommand({ Bucket })), {
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: CONFIGURED_BUCKET.kmsKeyId }, BucketKeyEnabled: true }],
        },
      });
      const tagSet = Object.entries(CONFIGURED_BUCKET.tags).map(([Key, Value]) => ({ Key, Value }));
      await expectBoth((t) => s3For(t).send(new s3.GetBucketTaggingCommand({ Bucket })), { TagSet: tagSet }, (a) => ({
        TagSet: sortedBy((a as Partial<s3.GetBucketTaggingOutput>).TagSet, "Key"),
      }));
      await expectBoth((t) => s3For(t).send(new s3.GetBucketPolicyCommand({ Bucket })), CONFIGURED_BUCKET.policy, (a) =>
        JSON.parse((a as s3.GetBucketPolicyOutput).Policy ?? "null"),
      );
    });

    it("answers NoSuchTagSet and NoSuchBucketPolicy for a bucket without tags or policy", async () => {
      await expectBoth((t) => s3For(t).send(new s3.GetBucketTaggingCommand({ Bucket: SOURCE })), { error: "NoSuchTagSet", status: 404 });
      await expectBoth((t) => s3For(t).send(new s3.GetBucketPolicyCommand({ Bucket: SOURCE })), { error: "NoSuchBucketPolicy", status: 404 });
    });

    it(knownDifferenceTitle("default-encryption-sse-s3"), async () => {
      const answers = await both((t) => s3For(t).send(new s3.GetBucketEncryptionCommand({ Bucket: SOURCE })));
      expect(answers.moto).toEqual({ error: "ServerSideEncryptionConfigurationNotFoundError", status: 404 });
      const rules = (answers.sandbox as s3.GetBucketEncryptionOutput).ServerSideEncryptionConfiguration?.Rules;
      expect(rules?.map((rule) => rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)).toEqual(["AES256"]);
    });

    it("answers NoSuchBucket (404) for every bucket operation on a bucket that does not exist", async () => {
      const Bucket = MISSING;
      const calls: Array<(t: LoopbackTarget) => Promise<object>> = [
        (t) => s3For(t).send(new s3.GetBucketLocationCommand({ Bucket })),
        (t) => s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket })),
        (t) => s3For(t).send(new s3.PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } })),
        (t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket })),
        (t) => s3For(t).send(new s3.DeleteBucketReplicationCommand({ Bucket })),
        (t) => s3For(t).send(new s3.GetObjectLockConfigurationCommand({ Bucket })),
        (t) => s3For(t).send(new s3.GetBucketEncryptionCommand({ Bucket })),
        (t) => s3For(t).send(new s3.GetBucketTaggingCommand({ Bucket })),
        (t) => s3For(t).send(new s3.GetBucketPolicyCommand({ Bucket })),
      ];
      for (const call of calls) await expectBoth(call, { error: "NoSuchBucket", status: 404 });
    });
  });

  describeStsAndOrganizationsConformance(harness);

  // Last: request ids legitimately differ in value, so they are compared on presence, for every call above.
  it("answers with a request id wherever moto does (every call of the sequence above)", () => {
    expect(harness.requestIdMismatches).toEqual([]);
  });

  it("logs every call of the sequence under the operation name the SDK sent, mutating exactly for writes", () => {
    const logged = new Set(sandbox.calls.map((call) => call.operation));
    expect(harness.operationsSent).toContain("PutBucketReplication");
    expect([...harness.operationsSent].filter((operation) => !logged.has(operation))).toEqual([]);
    // An audit must be provably read-only: every Create/Put/Delete is mutating, nothing else is (AssumeRole included).
    const wronglyFlagged = sandbox.calls.filter((call) => call.mutating !== /^(Create|Put|Delete)/.test(call.operation));
    expect(wronglyFlagged.map((call) => `${call.operation} mutating=${call.mutating}`)).toEqual([]);
  });
});
