/**
 * The lean read path answer for answer against the SDK client: for every bucket of the demo and
 * each of the seven reads (the five per-bucket GETs, a destination's policy and ownership), the same output (shape and values) or the same error (as errors.ts, the
 * limiter and the retry strategy read it), both sent to the sandbox over HTTP. And its endpoints
 * against the SDK's rule engine, name by name, for the sandbox and for real AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { AwsClientFactory, responseHeaderOf, sdkBucketReads, toBucketError } from "../../src/aws/index.js";
import { resolveTemplate } from "../../src/aws/bucket-reads.js";
import { LeanS3, PROBE_BUCKET, templatable } from "../../src/aws/lean-s3.js";
import { leanDispatcher, undiciTransport } from "../../src/aws/lean-transport.js";
import type { LeanOperation } from "../../src/aws/lean-shapes.js";
import { derivedCredentials, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { BucketDocument } from "../../src/model/index.js";
import { callOutcome } from "../support/lean-outcome.js";
import { scanSandbox } from "../support/scan.js";

const OPERATIONS: LeanOperation[] = ["versioning", "replication", "objectLock", "encryption", "tags", "policy", "ownershipControls"];

let sandbox: Sandbox;
let factory: AwsClientFactory;
let buckets: BucketDocument[];
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: "demo" });
  buckets = (await scanSandbox(sandbox, { leanReads: false })).buckets;
  factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 16 });
  await factory.resolveS3Settings();
});
afterAll(async () => {
  factory.close();
  await sandbox.close();
});

/** What this file compares of an error beside callOutcome's: errors.ts's wording, its bucket error entry, the Region header. */
const outcome = (call: () => Promise<unknown>) =>
  callOutcome(call, (e) => ({ message: e.message, bucketError: toBucketError("Op", e), bucketRegion: responseHeaderOf(e, "x-amz-bucket-region") }));

/** Counts the requests that went through an SDK client's middleware stack. */
function countSdkSends(client: S3Client): { sends: number } {
  const counter = { sends: 0 };
  client.middlewareStack.add((next) => (args) => {
    counter.sends++;
    return next(args);
  }, { step: "initialize" });
  return counter;
}

describe("aws/lean read path", () => {
  it("answers every read of every demo bucket as the SDK client does, without the SDK's stack", async () => {
    expect(buckets.length).toBeGreaterThan(20);
    const codes = new Set<string>();
    const answered = new Set<LeanOperation>();
    let leanReads = 0;
    // One bucket after another would take seconds: the buckets in parallel, each its reads in turn.
    await Promise.all(
      buckets
        .filter((bucket) => bucket.region !== "unknown")
        .map(async (bucket) => {
          const client = factory.s3(() => Promise.resolve(derivedCredentials(bucket.account.id)), bucket.region);
          const counter = countSdkSends(client);
          for (const operation of OPERATIONS) {
            const lean = await outcome(() => factory.bucketReads(client).read(operation, bucket.name));
            expect(counter.sends, `${bucket.name} ${operation} went through the SDK`).toBe(0);
            leanReads++;
            const sdk = await outcome(() => sdkBucketReads(client).read(operation, bucket.name));
            counter.sends = 0;
            expect(lean, `${bucket.name} ${operation}`).toEqual(sdk);
            if (!sdk.ok) codes.add(sdk.code);
            else answered.add(operation);
          }
        }),
    );
    expect(leanReads).toBe(buckets.filter((b) => b.region !== "unknown").length * OPERATIONS.length);
    // The error answers the comparison covered: denied, and the "not configured" codes (every
    // demo bucket has default encryption, as every S3 bucket has had since 2023); and a destination's
    // missing policy and ownership controls, which the access facts read as answers.
    expect([...codes].sort()).toEqual([
      "AccessDenied",
      "NoSuchBucketPolicy",
      "NoSuchTagSet",
      "ObjectLockConfigurationNotFoundError",
      "OwnershipControlsNotFoundError",
      "ReplicationConfigurationNotFoundError",
    ]);
    // And every read answered at least once (a policy's JSON text, an ownership setting…).
    expect([...answered].sort()).toEqual([...OPERATIONS].sort());
  });

  it("throws the SDK's PermanentRedirect, with the bucket's region, for a bucket read from another region", async () => {
    const bucket = buckets.find((b) => b.region === "eu-central-1")!;
    const client = factory.s3(() => Promise.resolve(derivedCredentials(bucket.account.id)), "us-west-2");
    const lean = await outcome(() => factory.bucketReads(client).read("versioning", bucket.name));
    const sdk = await outcome(() => sdkBucketReads(client).read("versioning", bucket.name));
    expect(lean).toEqual(sdk);
    expect(lean.ok ? null : [lean.code, lean.status, lean.bucketRegion]).toEqual(["PermanentRedirect", 301, "eu-central-1"]);
  });

  it("learns the server's clock from an answer's Date, as the SDK's signer does", async () => {
    const bucket = buckets.find((b) => b.region === sandbox.region)!;
    const credentials = derivedCredentials(bucket.account.id);
    // Both start an hour off (the SDK's systemClockOffset): the first read is refused, the next is signed at the server's time.
    const hourBehind = -3_600_000;
    const sdkClient = new S3Client({ endpoint: sandbox.endpoint, region: bucket.region, credentials, forcePathStyle: true, maxAttempts: 1, systemClockOffset: hourBehind });
    const template = (await resolveTemplate(sdkClient, "versioning"))!;
    const dispatcher = leanDispatcher(4);
    try {
      const lean = new LeanS3({ credentials: () => Promise.resolve(credentials), transport: undiciTransport(dispatcher), maxAttempts: 1, systemClockOffset: hourBehind });
      const sdk = [await outcome(() => sdkBucketReads(sdkClient).read("versioning", bucket.name)), await outcome(() => sdkBucketReads(sdkClient).read("versioning", bucket.name))];
      const leanOutcomes = [await outcome(() => lean.get(template, "versioning", bucket.name)), await outcome(() => lean.get(template, "versioning", bucket.name))];
      expect(leanOutcomes).toEqual(sdk);
      expect(leanOutcomes.map((o) => (o.ok ? "ok" : o.code))).toEqual(["RequestTimeTooSkewed", "ok"]);
    } finally {
      await dispatcher.destroy();
    }
  });

  it("sends a bucket the S3 endpoint rules treat unlike the probe through the SDK client", async () => {
    const client = factory.s3(() => Promise.resolve(sandbox.credentials), sandbox.region);
    const counter = countSdkSends(client);
    const lean = await outcome(() => factory.bucketReads(client).read("versioning", "no.such.dotted.bucket"));
    expect(counter.sends).toBe(1);
    expect(lean.ok ? null : lean.code).toBe("NoSuchBucket");
  });

  it("addresses each bucket where the SDK's endpoint rules would, for the sandbox and for AWS", async () => {
    const names = ["a-b", "abc", "my-bucket-123", "x".repeat(63), "0starts-with-digit"];
    expect(names.every(templatable)).toBe(true);
    expect(["my.dotted.bucket", "Upper", "ab", "x".repeat(64), "name--x-s3", "-lead", "trail-", "192.168.1.1"].some(templatable)).toBe(false);
    const configs = [
      { endpoint: "http://127.0.0.1:4566", forcePathStyle: true, region: "eu-west-1" },
      { region: "us-east-1" },
      { region: "eu-central-1", useFipsEndpoint: false, useDualstackEndpoint: true },
      { region: "us-gov-west-1", useFipsEndpoint: true },
      { region: "cn-north-1" },
    ];
    for (const config of configs) {
      const client = new S3Client({ ...config, credentials: { accessKeyId: "A", secretAccessKey: "B" } });
      for (const operation of OPERATIONS) {
        const template = await resolveTemplate(client, operation);
        expect(template).not.toBeNull();
        for (const name of names) {
          const sdk = await getEndpointFromInstructions({ Bucket: name }, GetBucketVersioningCommand, client.config as never);
          const where = template!.in === "host" ? template!.url.hostname : template!.url.pathname;
          const url = new URL(template!.url.href);
          if (template!.in === "host") url.hostname = where.replace(PROBE_BUCKET, name);
          else url.pathname = where.replace(PROBE_BUCKET, name);
          expect(url.href, `${JSON.stringify(config)} ${operation} ${name}`).toBe(sdk.url.href);
          const scheme = (sdk.properties!.authSchemes as { signingRegion: string }[])[0]!;
          expect(template!.signingRegion).toBe(scheme.signingRegion);
        }
      }
    }
  });
});
