import { GetBucketVersioningCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { handleS3 } from "../../src/sandbox/s3/index.js";
import type { SandboxRequest } from "../../src/sandbox/types.js";
import { s3As } from "./s3-world.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ generate: { accounts: 1000, buckets: 100, seed: 1 } });
}, 120_000);
afterAll(async () => sandbox.close());

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Infinity;
const lastMember = (): string => [...sandbox.world.accounts.values()].filter((a) => a.member).at(-1)?.id ?? "";

describe("sandbox/s3 on a 1,000-account × 100-bucket world", () => {
  it("answers ListBuckets and GetBucketVersioning over HTTP without scanning every bucket", async () => {
    const accountId = lastMember();
    const client = s3As(sandbox.endpoint, accountId);
    for (let i = 0; i < 20; i++) await client.send(new ListBucketsCommand({}));
    const listed = (await client.send(new ListBucketsCommand({}))).Buckets ?? [];
    expect(listed.length).toBe(100);
    const bucket = listed[0];
    const regional = s3As(sandbox.endpoint, accountId, bucket?.BucketRegion ?? "us-east-1");
    for (let i = 0; i < 200; i++) await regional.send(new GetBucketVersioningCommand({ Bucket: bucket?.Name ?? "" }));

    const micros = (operation: string) => sandbox.calls.filter((c) => c.operation === operation && c.status === 200).map((c) => c.serverMicros);
    const listMedian = median(micros("ListBuckets"));
    const versioningMedian = median(micros("GetBucketVersioning"));
    console.log(`server time (SigV4 included): ListBuckets (100 of 100,000 buckets) median ${listMedian} µs; GetBucketVersioning median ${versioningMedian} µs`);
    expect(versioningMedian).toBeLessThan(1000);
    expect(listMedian).toBeLessThan(5000);
  });

  it("spends well under a millisecond in the S3 handler for GetBucketVersioning", () => {
    const bucket = [...sandbox.world.buckets.values()].at(-1);
    if (bucket === undefined) throw new Error("generated world has no bucket");
    const caller = [...sandbox.world.keys.values()].find((key) => key.accountId === bucket.accountId);
    if (caller === undefined) throw new Error("no key for the bucket's account");
    const request: SandboxRequest = {
      method: "GET", path: `/${bucket.name}`, query: new URLSearchParams("versioning"), headers: {}, body: Buffer.alloc(0),
      region: bucket.region, service: "s3", caller, hostBucket: null,
    };
    const runs = 10_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) handleS3(request, sandbox.world);
    const perCall = Number(process.hrtime.bigint() - started) / 1000 / runs;
    console.log(`handleS3 GetBucketVersioning: ${perCall.toFixed(2)} µs per call`);
    expect(perCall).toBeLessThan(100);
  });
});
