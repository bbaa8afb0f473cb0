/**
 * The third-party-client part of test/sandbox/conformance.test.ts (issue 11; registered from
 * there, inside its describe, so it shares the servers): the bucket reads a scanner sweeps, the
 * integrity header S3 requires on some writes, the anonymous HeadBucket, and the role's maximum
 * session duration — compared with moto, or held to the documentation where moto 5.2.1 differs.
 */
import * as s3 from "@aws-sdk/client-s3";
import * as sts from "@aws-sdk/client-sts";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { expect, it } from "vitest";
import { s3For, stsFor, type LoopbackTarget } from "./aws-clients.js";
import { knownDifferenceTitle, type Answer, type Harness } from "./harness.js";
import { AUDIT_ROLE_NAME, MEMBER_ACCOUNT_ID, REPLICATED_BUCKET } from "./world.js";

const Bucket = REPLICATED_BUCKET.name;

/** An S3 client whose requests are changed just before signing (so the signature still matches). */
function s3Changing(target: LoopbackTarget, change: (headers: Record<string, string>) => void): s3.S3Client {
  const client = s3For(target);
  const middleware: FinalizeRequestMiddleware<s3.ServiceInputTypes, s3.ServiceOutputTypes> = (next) => async (args) => {
    change((args.request as { headers: Record<string, string> }).headers);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(middleware, { relation: "before", toMiddleware: "httpSigningMiddleware" });
  return client;
}

const integrityHeader = /^(content-md5|x-amz-checksum-)/i;

export function describeS3ReadsConformance(harness: Harness): void {
  const { both, expectBoth, target } = harness;

  it("answers the reads of a bucket never configured with S3's not-found codes and empty defaults", async () => {
    const notFound: Array<[(t: LoopbackTarget) => Promise<object>, string]> = [
      [(t) => s3For(t).send(new s3.GetBucketPolicyCommand({ Bucket })), "NoSuchBucketPolicy"],
      [(t) => s3For(t).send(new s3.GetPublicAccessBlockCommand({ Bucket })), "NoSuchPublicAccessBlockConfiguration"],
      [(t) => s3For(t).send(new s3.GetBucketOwnershipControlsCommand({ Bucket })), "OwnershipControlsNotFoundError"],
      [(t) => s3For(t).send(new s3.GetBucketLifecycleConfigurationCommand({ Bucket })), "NoSuchLifecycleConfiguration"],
      [(t) => s3For(t).send(new s3.GetBucketWebsiteCommand({ Bucket })), "NoSuchWebsiteConfiguration"],
      [(t) => s3For(t).send(new s3.GetBucketCorsCommand({ Bucket })), "NoSuchCORSConfiguration"],
    ];
    for (const [call, error] of notFound) await expectBoth(call, { error, status: 404 });
    await expectBoth((t) => s3For(t).send(new s3.GetBucketLoggingCommand({ Bucket })), {});
    await expectBoth((t) => s3For(t).send(new s3.GetBucketNotificationConfigurationCommand({ Bucket })), {});
    await expectBoth((t) => s3For(t).send(new s3.GetBucketAccelerateConfigurationCommand({ Bucket })), {});
  });

  it("answers GetBucketAcl with the owner and one FULL_CONTROL grant to the owner's canonical user", async () => {
    const shape = (answer: Answer) => {
      const acl = answer as s3.GetBucketAclOutput;
      const owner = acl.Owner?.ID;
      return {
        owner: /^[0-9a-f]{64}$/.test(owner ?? "") ? "<canonical user id>" : owner,
        grants: (acl.Grants ?? []).map((grant) => [grant.Grantee?.Type, grant.Grantee?.ID === owner ? "<owner>" : grant.Grantee?.ID, grant.Permission]),
      };
    };
    await expectBoth((t) => s3For(t).send(new s3.GetBucketAclCommand({ Bucket })), { owner: "<canonical user id>", grants: [["CanonicalUser", "<owner>", "FULL_CONTROL"]] }, shape);
  });

  it(knownDifferenceTitle("policy-status-needs-policy"), async () => {
    const answers = await both((t) => s3For(t).send(new s3.GetBucketPolicyStatusCommand({ Bucket })));
    expect(answers.sandbox).toEqual({ error: "NoSuchBucketPolicy", status: 404 });
    expect(answers.moto, "moto now answers NoSuchBucketPolicy: remove the known difference").toEqual({ PolicyStatus: {} });
  });

  it(knownDifferenceTitle("request-payment-payer"), async () => {
    const answers = await both((t) => s3For(t).send(new s3.GetBucketRequestPaymentCommand({ Bucket })));
    expect(answers.sandbox).toEqual({ Payer: "BucketOwner" });
    expect(answers.moto, "moto now answers the payer: remove the known difference").toEqual({});
  });

  it(knownDifferenceTitle("configuration-by-id-not-found"), async () => {
    const answers = await both((t) => s3For(t).send(new s3.GetBucketMetricsConfigurationCommand({ Bucket, Id: "none" })));
    expect(answers.sandbox).toEqual({ error: "NoSuchConfiguration", status: 404 });
    expect(answers.moto, "moto now answers NoSuchConfiguration: remove the known difference").toEqual({ MetricsConfiguration: {} });
  });

  it(knownDifferenceTitle("write-needs-integrity-header"), async () => {
    const put = (change: (headers: Record<string, string>) => void) => (t: LoopbackTarget) =>
      s3Changing(t, change).send(new s3.PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const stripped = await both(put((headers) => {
      for (const name of Object.keys(headers)) if (integrityHeader.test(name)) delete headers[name];
    }));
    expect(stripped.sandbox).toEqual({ error: "InvalidRequest", status: 400 });
    expect(stripped.moto, "moto now requires the header: remove the known difference").toEqual({});
    const wrong = await both(put((headers) => {
      for (const name of Object.keys(headers)) if (/^x-amz-checksum-/i.test(name)) headers[name] = "AAAAAA==";
    }));
    expect(wrong.sandbox).toEqual({ error: "BadDigest", status: 400 });
    expect(wrong.moto, "moto now checks the checksum: remove the known difference").toEqual({});
  });

  it(knownDifferenceTitle("anonymous-head-bucket"), async () => {
    const head = async (t: LoopbackTarget) => {
      const answer = await fetch(`${t.endpoint}/${Bucket}`, { method: "HEAD" });
      return [answer.status, answer.headers.get("x-amz-bucket-region")];
    };
    const [sandbox, moto] = await Promise.all([head(target.sandbox), head(target.moto)]);
    expect(sandbox).toEqual([403, REPLICATED_BUCKET.region]);
    expect(moto, "moto now refuses the anonymous caller: remove the known difference").toEqual([200, REPLICATED_BUCKET.region]);
  });

  it(knownDifferenceTitle("assume-role-max-session-duration"), async () => {
    const RoleArn = `arn:aws:iam::${MEMBER_ACCOUNT_ID}:role/${AUDIT_ROLE_NAME}`;
    const answers = await both((t) => stsFor(t).send(new sts.AssumeRoleCommand({ RoleArn, RoleSessionName: "conformance", DurationSeconds: 7200 })));
    expect(answers.sandbox).toEqual({ error: "ValidationError", status: 400 });
    expect(answers.moto, "moto now refuses it: remove the known difference").toHaveProperty("Credentials");
  });
}
