import { GetCallerIdentityCommand, STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { ListBucketsCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import { canonicalQuery, expectedSignature, parseAuth } from "../../src/sandbox/core/sigv4.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { afterSigning, clientConfig, failure, roleArn } from "../support/sandbox.js";
import { smallScenario } from "../support/scenarios/small.js";

describe("sandbox/sigv4", () => {
  it("computes the signature of AWS's published IAM ListUsers example", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html (example values)
    const headers = {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      host: "iam.amazonaws.com",
      "x-amz-date": "20150830T123600Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=x",
    };
    const parsed = parseAuth(headers, new URLSearchParams());
    if (parsed.kind !== "signed") throw new Error("not parsed");
    const raw = { method: "GET", rawPath: "/", rawQuery: "Version=2010-05-08&Action=ListUsers", headers };
    const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    expect(expectedSignature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", raw, parsed.scope, emptyHash)).toBe(
      "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    );
  });

  it("computes the signature of the S3 GetObject example from the S3 SigV4 guide", () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html "Example: GET Object"
    const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const headers = {
      host: "examplebucket.s3.amazonaws.com",
      range: "bytes=0-9",
      "x-amz-content-sha256": emptyHash,
      "x-amz-date": "20130524T000000Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=x",
    };
    const parsed = parseAuth(headers, new URLSearchParams());
    if (parsed.kind !== "signed") throw new Error("not parsed");
    const raw = { method: "GET", rawPath: "/test.txt", rawQuery: "", headers };
    expect(expectedSignature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", raw, parsed.scope, emptyHash)).toBe(
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });

  it("sorts and re-encodes the canonical query and leaves out X-Amz-Signature", () => {
    expect(canonicalQuery("b=2&a=%7e&X-Amz-Signature=abc&versioning&a=1")).toBe("a=1&a=~&b=2&versioning=");
  });
});

describe("sandbox/identity", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: smallScenario() });
  });
  afterAll(() => sandbox.close());

  const tampered = () => ({ ...sandbox.credentials, secretAccessKey: `${sandbox.credentials.secretAccessKey.slice(0, -1)}X` });
  const unknown = { accessKeyId: "AKIAZZZZZZZZZZZZZZZZ", secretAccessKey: "secretsecretsecretsecretsecretsecret1234" };

  it("answers SignatureDoesNotMatch 403 to each service when the secret is wrong", async () => {
    const sts = await failure(new STSClient(clientConfig(sandbox, tampered())).send(new GetCallerIdentityCommand({})));
    expect([sts.name, sts.$metadata.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);
    const s3 = await failure(new S3Client({ ...clientConfig(sandbox, tampered()), forcePathStyle: true }).send(new ListBucketsCommand({})));
    expect([s3.name, s3.$metadata.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);
    const org = await failure(new OrganizationsClient(clientConfig(sandbox, tampered())).send(new ListRootsCommand({})));
    expect([org.name, org.$metadata.httpStatusCode]).toEqual(["InvalidSignatureException", 403]);
  });

  it("answers each service's unknown-key error to a key it never issued", async () => {
    const sts = await failure(new STSClient(clientConfig(sandbox, unknown)).send(new GetCallerIdentityCommand({})));
    expect([sts.name, sts.$metadata.httpStatusCode]).toEqual(["InvalidClientTokenId", 403]);
    const s3 = await failure(new S3Client({ ...clientConfig(sandbox, unknown), forcePathStyle: true }).send(new ListBucketsCommand({})));
    expect([s3.name, s3.$metadata.httpStatusCode]).toEqual(["InvalidAccessKeyId", 403]);
    const org = await failure(new OrganizationsClient(clientConfig(sandbox, unknown)).send(new ListRootsCommand({})));
    expect([org.name, org.$metadata.httpStatusCode]).toEqual(["UnrecognizedClientException", 403]);
  });

  it("answers ExpiredToken once assumed-role credentials pass their expiry", async () => {
    const sts = new STSClient(clientConfig(sandbox));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(ACCOUNTS.prod), RoleSessionName: "expiry", DurationSeconds: 900 }));
    const assumed = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const before = await new STSClient(clientConfig(sandbox, assumed)).send(new GetCallerIdentityCommand({}));
    expect(before.Account).toBe(ACCOUNTS.prod);

    sandbox.advanceClock(901_000);
    const stsError = await failure(new STSClient(clientConfig(sandbox, assumed)).send(new GetCallerIdentityCommand({})));
    expect([stsError.name, stsError.$metadata.httpStatusCode]).toEqual(["ExpiredToken", 403]);
    const s3Error = await failure(new S3Client({ ...clientConfig(sandbox, assumed), forcePathStyle: true }).send(new ListBucketsCommand({})));
    expect([s3Error.name, s3Error.$metadata.httpStatusCode]).toEqual(["ExpiredToken", 400]);
    const orgError = await failure(new OrganizationsClient(clientConfig(sandbox, assumed)).send(new ListRootsCommand({})));
    expect([orgError.name, orgError.$metadata.httpStatusCode]).toEqual(["ExpiredTokenException", 403]);
  });

  it("refuses assumed-role keys sent with another session token", async () => {
    const { Credentials } = await new STSClient(clientConfig(sandbox)).send(new AssumeRoleCommand({ RoleArn: roleArn(ACCOUNTS.prod), RoleSessionName: "token" }));
    const forged = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: "forged-token" };
    const error = await failure(new STSClient(clientConfig(sandbox, forged)).send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe("InvalidClientTokenId");
    const s3 = await failure(new S3Client({ ...clientConfig(sandbox, forged), forcePathStyle: true }).send(new ListBucketsCommand({})));
    expect([s3.name, s3.$metadata.httpStatusCode]).toEqual(["InvalidToken", 400]);
  });

  it("answers an unsigned request with AccessDenied and logs it with no account", async () => {
    const response = await fetch(`${sandbox.endpoint}/`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>AccessDenied</Code>");
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "s3", operation: "ListBuckets", account: null, status: 403 });
  });

  it("refuses an S3 body whose x-amz-content-sha256 does not match", async () => {
    const s3 = new S3Client({ ...clientConfig(sandbox), region: "eu-west-1", forcePathStyle: true });
    // Change the body after the SDK signed it: the declared payload hash no longer matches.
    afterSigning(s3, (request) => {
      request.body = (request.body as string).replace("Enabled", "Enabley"); // same length, different bytes
    });
    const error = await failure(
      s3.send(new PutBucketVersioningCommand({ Bucket: "prod-data", VersioningConfiguration: { Status: "Enabled" } })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["XAmzContentSHA256Mismatch", 400]);
  });
});
