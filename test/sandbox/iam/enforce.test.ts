import { GetBucketTaggingCommand, GetBucketVersioningCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { GetPolicyCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetKeyPolicyCommand, KMSClient } from "@aws-sdk/client-kms";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { clientConfig, failure, roleArn, s3As } from "../../support/sandbox.js";
import { iamScenario } from "./world.js";

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

describe("sandbox/authorize", () => {
  let sandbox: Sandbox;
  let audit: Credentials;
  const config = (credentials: Credentials, region: string) => ({ endpoint: sandbox.endpoint, region, credentials, maxAttempts: 1 });
  const assume = async (accountId: string, role?: string): Promise<Credentials> => {
    const { Credentials } = await new STSClient(clientConfig(sandbox)).send(new AssumeRoleCommand({ RoleArn: roleArn(accountId, role), RoleSessionName: "test-session" }));
    return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: iamScenario() });
    audit = await assume(ACCOUNTS.prod);
  });
  afterAll(() => sandbox.close());

  it("lets the audit role make the S3 and IAM calls its policy allows", async () => {
    const s3 = new S3Client({ ...config(audit, "eu-west-1"), forcePathStyle: true });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "prod-src" }))).Status).toBe("Enabled");
    const iam = new IAMClient(config(audit, "us-east-1"));
    expect((await iam.send(new GetRoleCommand({ RoleName: "s3-repl" }))).Role?.RoleName).toBe("s3-repl");
  });

  it("answers S3's 403 AccessDenied to a call the audit role's policy does not allow", async () => {
    const s3 = new S3Client({ ...config(audit, "eu-west-1"), forcePathStyle: true });
    const error = await failure(s3.send(new GetBucketTaggingCommand({ Bucket: "prod-src" })));
    expect(error.name).toBe("AccessDenied");
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain("s3:GetBucketTagging on resource: arn:aws:s3:::prod-src");
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "s3", operation: "GetBucketTagging", status: 403 });
  });

  it("answers IAM's AccessDenied and KMS's AccessDeniedException in their own shapes", async () => {
    const iam = new IAMClient(config(audit, "us-east-1"));
    const denied = await failure(iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNTS.prod}:policy/read-source` })));
    expect(denied.name).toBe("AccessDenied");
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "iam", operation: "GetPolicy", status: 403 });
    const kms = new KMSClient(config(audit, "eu-west-1"));
    const refused = await failure(kms.send(new GetKeyPolicyCommand({ KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" })));
    expect(refused.name).toBe("AccessDeniedException");
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "kms", operation: "GetKeyPolicy", status: 400 });
  });

  it("refuses a call a bucket policy explicitly denies, even to the owner account", async () => {
    const error = await failure(s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1").send(new GetBucketVersioningCommand({ Bucket: "prod-locked" })));
    expect(error.name).toBe("AccessDenied");
    // The same bucket without that statement answers.
    expect((await s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1").send(new GetBucketVersioningCommand({ Bucket: "prod-src" }))).Status).toBe("Enabled");
  });

  it("leaves an account's audit role without a policy unenforced", async () => {
    const backup = await assume(ACCOUNTS.backup);
    const kms = new KMSClient(config(backup, "eu-west-1"));
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: "backup-key" }))).PolicyName).toBe("default");
  });

  it("makes the remediation role assumable and enforces its policy", async () => {
    const fix = await assume(ACCOUNTS.prod, "replguard-fix");
    const s3 = new S3Client({ ...config(fix, "eu-west-1"), forcePathStyle: true });
    await s3.send(new PutBucketVersioningCommand({ Bucket: "prod-src", VersioningConfiguration: { Status: "Enabled" } }));
    expect((await failure(s3.send(new GetBucketVersioningCommand({ Bucket: "prod-src" })))).name).toBe("AccessDenied");
  });
});
