import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  paginateListBuckets,
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

describe("sandbox/s3 ListBuckets", () => {
  it("lists only the caller's account's buckets, sorted, with BucketRegion and Owner", async () => {
    const out = await s3As(sandbox.endpoint, ACCOUNTS.other).send(new ListBucketsCommand({}));
    expect(out.Buckets?.map((b) => [b.Name, b.BucketRegion])).toEqual([
      ["other-org-shared", "us-east-1"],
      ["other-private", "us-east-1"],
      ["other-shared", "us-east-1"],
    ]);
    expect(out.Buckets?.[0]?.CreationDate).toBeInstanceOf(Date);
    expect(out.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(out.ContinuationToken).toBeUndefined();
  });

  it("pages with max-buckets and continuation-token without losing or repeating a bucket", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.prod);
    const first = await client.send(new ListBucketsCommand({ MaxBuckets: 3 }));
    expect(first.Buckets).toHaveLength(3);
    expect(first.ContinuationToken).toBeTypeOf("string");
    const names: string[] = [];
    for await (const page of paginateListBuckets({ client, pageSize: 3 }, {})) names.push(...(page.Buckets ?? []).map((b) => b.Name ?? ""));
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("prod-source");
    expect(names.filter((name) => name.startsWith("prod-"))).toHaveLength(names.length);
  });

  it("filters by prefix and by bucket-region", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.prod);
    const byPrefix = await client.send(new ListBucketsCommand({ Prefix: "prod-re" }));
    expect(byPrefix.Buckets?.map((b) => b.Name)).toEqual(["prod-replica", "prod-replicating"]);
    expect(byPrefix.Prefix).toBe("prod-re");
    const byRegion = await client.send(new ListBucketsCommand({ BucketRegion: "us-east-1" }));
    expect(byRegion.Buckets?.map((b) => b.Name)).toEqual(["prod-replica"]);
  });

  it("refuses a continuation token it did not issue with InvalidArgument", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new ListBucketsCommand({ ContinuationToken: "not-a-token" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidArgument", 400]);
  });

  it("refuses max-buckets outside 1..10000 with InvalidArgument", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new ListBucketsCommand({ MaxBuckets: 10001 })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidArgument", 400]);
  });
});

describe("sandbox/s3 common response headers", () => {
  it("gives success and error answers a request id and an extended request id", async () => {
    const out = await s3As(sandbox.endpoint, ACCOUNTS.prod).send(new ListBucketsCommand({}));
    expect(out.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
    expect(out.$metadata.extendedRequestId).toMatch(/.+/);
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new GetBucketLocationCommand({ Bucket: "no-such-bucket-here" })));
    expect((error.$metadata as { extendedRequestId?: string }).extendedRequestId).toMatch(/.+/);
  });
});

describe("sandbox/s3 GetBucketLocation", () => {
  it("answers the Region, and no LocationConstraint for us-east-1", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.prod);
    expect((await client.send(new GetBucketLocationCommand({ Bucket: "prod-source" }))).LocationConstraint).toBe("eu-west-1");
    expect((await client.send(new GetBucketLocationCommand({ Bucket: "prod-replica" }))).LocationConstraint).toBeUndefined();
  });

  it("answers whatever Region the request was signed for", async () => {
    const out = await s3As(sandbox.endpoint, ACCOUNTS.prod, "ap-southeast-2").send(new GetBucketLocationCommand({ Bucket: "prod-source" }));
    expect(out.LocationConstraint).toBe("eu-west-1");
  });

  it("answers NoSuchBucket for an unknown bucket", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new GetBucketLocationCommand({ Bucket: "no-such-bucket-here" })));
    expect([error.name, error.$metadata.httpStatusCode, error["BucketName"]]).toEqual(["NoSuchBucket", 404, "no-such-bucket-here"]);
  });
});

describe("sandbox/s3 HeadBucket", () => {
  it("answers 200 with x-amz-bucket-region", async () => {
    const out = await s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1").send(new HeadBucketCommand({ Bucket: "prod-source" }));
    expect(out.BucketRegion).toBe("eu-west-1");
  });

  it("answers 404 NotFound for an unknown bucket", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new HeadBucketCommand({ Bucket: "no-such-bucket-here" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["NotFound", 404]);
  });

  it("answers 403 with the bucket's Region for another account's bucket", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod).send(new HeadBucketCommand({ Bucket: "other-private" })));
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.$response?.headers["x-amz-bucket-region"]).toBe("us-east-1");
  });

  it("answers 301 with x-amz-bucket-region when signed for another Region", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod, "us-west-2").send(new HeadBucketCommand({ Bucket: "prod-source" })));
    expect(error.$metadata.httpStatusCode).toBe(301);
    expect(error.$response?.headers["x-amz-bucket-region"]).toBe("eu-west-1");
  });
});

describe("sandbox/s3 PermanentRedirect", () => {
  it("answers a bucket call signed for the wrong Region with PermanentRedirect, the Region header and the endpoint", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.prod, "us-east-1").send(new GetBucketVersioningCommand({ Bucket: "prod-source" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["PermanentRedirect", 301]);
    expect(error.$response?.headers["x-amz-bucket-region"]).toBe("eu-west-1");
    expect(error["Endpoint"]).toBe("prod-source.s3.eu-west-1.amazonaws.com");
    expect(error["Bucket"]).toBe("prod-source");
  });
});

describe("sandbox/s3 CreateBucket", () => {
  it("creates a bucket in the signed Region, owned by the caller, listed and located", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.other, "eu-central-1");
    const out = await client.send(new CreateBucketCommand({ Bucket: "other-new-frankfurt", CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } }));
    expect(out.Location).toBe("/other-new-frankfurt");
    const location = await client.send(new GetBucketLocationCommand({ Bucket: "other-new-frankfurt" }));
    expect(location.LocationConstraint).toBe("eu-central-1");
    const listed = await s3As(sandbox.endpoint, ACCOUNTS.other).send(new ListBucketsCommand({ Prefix: "other-new" }));
    expect(listed.Buckets?.map((b) => [b.Name, b.BucketRegion])).toContainEqual(["other-new-frankfurt", "eu-central-1"]);
    const versioning = await client.send(new GetBucketVersioningCommand({ Bucket: "other-new-frankfurt" }));
    expect(versioning.Status).toBeUndefined();
  });

  it("creates in us-east-1 without a configuration", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.other);
    await client.send(new CreateBucketCommand({ Bucket: "other-new-virginia" }));
    expect((await client.send(new HeadBucketCommand({ Bucket: "other-new-virginia" }))).BucketRegion).toBe("us-east-1");
  });

  it("refuses a LocationConstraint other than the signed Region with IllegalLocationConstraintException", async () => {
    const error = await errorOf(
      s3As(sandbox.endpoint, ACCOUNTS.other, "us-east-1").send(new CreateBucketCommand({ Bucket: "other-new-mismatch", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["IllegalLocationConstraintException", 400]);
    expect(error.message).toBe("The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.");
  });

  it("refuses no LocationConstraint outside us-east-1 with IllegalLocationConstraintException", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.other, "eu-west-1");
    // The SDK fills in LocationConstraint from the client's Region; drop the body as other clients send it.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown; headers: Record<string, string> };
        request.body = undefined;
        delete request.headers["content-length"];
        return next(args);
      },
      { step: "build" },
    );
    const error = await errorOf(client.send(new CreateBucketCommand({ Bucket: "other-new-unspecified" })));
    expect([error.name, error.message]).toEqual([
      "IllegalLocationConstraintException",
      "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
    ]);
  });

  it("refuses LocationConstraint us-east-1 with InvalidLocationConstraint", async () => {
    const error = await errorOf(
      s3As(sandbox.endpoint, ACCOUNTS.other).send(new CreateBucketCommand({ Bucket: "other-new-explicit", CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidLocationConstraint", 400]);
  });

  it("refuses another account's bucket name with BucketAlreadyExists", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.other).send(new CreateBucketCommand({ Bucket: "prod-replica" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["BucketAlreadyExists", 409]);
  });

  it("refuses the caller's own bucket outside us-east-1 with BucketAlreadyOwnedByYou", async () => {
    const error = await errorOf(
      s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1").send(new CreateBucketCommand({ Bucket: "prod-source", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["BucketAlreadyOwnedByYou", 409]);
  });

  it("answers 200 when the owner re-creates a us-east-1 bucket (legacy behaviour)", async () => {
    const out = await s3As(sandbox.endpoint, ACCOUNTS.prod).send(new CreateBucketCommand({ Bucket: "prod-replica" }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it("refuses an invalid name with InvalidBucketName", async () => {
    const error = await errorOf(s3As(sandbox.endpoint, ACCOUNTS.other).send(new CreateBucketCommand({ Bucket: "Bad_Name" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidBucketName", 400]);
  });

  it("enables Object Lock and versioning with ObjectLockEnabledForBucket", async () => {
    const client = s3As(sandbox.endpoint, ACCOUNTS.other);
    await client.send(new CreateBucketCommand({ Bucket: "other-new-locked", ObjectLockEnabledForBucket: true }));
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: "other-new-locked" }))).Status).toBe("Enabled");
    const lock = await client.send(new GetObjectLockConfigurationCommand({ Bucket: "other-new-locked" }));
    expect(lock.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: "Enabled" });
  });

  it("logs CreateBucket as a mutating call of the caller's account", async () => {
    await s3As(sandbox.endpoint, ACCOUNTS.other).send(new CreateBucketCommand({ Bucket: "other-new-logged" }));
    const record = sandbox.calls.find((call) => call.bucket === "other-new-logged");
    expect(record).toMatchObject({ service: "s3", operation: "CreateBucket", account: ACCOUNTS.other, mutating: true, status: 200 });
  });
});
