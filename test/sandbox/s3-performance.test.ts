import { GetBucketVersioningCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { handleS3 } from "../../src/sandbox/s3/index.js";
import type { SandboxRequest } from "../../src/sandbox/core/contracts.js";
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
    expect(listMedian).toBeLessThan(20_000);
  });

  it("spends well under a millisecond in the S3 handler, whatever the world's size", () => {
    const bucket = [...sandbox.world.buckets.values()].at(-1);
    if (bucket === undefined) throw new Error("generated world has no bucket");
    const caller = [...sandbox.world.keys.values()].find((key) => key.accountId === bucket.accountId);
    if (caller === undefined) throw new Error("no key for the bucket's account");
    const request = (path: string, query: string): SandboxRequest => ({
      method: "GET", path, query: new URLSearchParams(query), headers: {}, body: Buffer.alloc(0),
      region: bucket.region, service: "s3", caller, hostBucket: null,
    });
    const perCall = (r: SandboxRequest, runs: number): number => {
      handleS3(r, sandbox.world);
      const started = process.hrtime.bigint();
      for (let i = 0; i < runs; i++) handleS3(r, sandbox.world);
      return Number(process.hrtime.bigint() - started) / 1000 / runs;
    };
    const versioning = perCall(request(`/${bucket.name}`, "versioning"), 10_000);
    // ListBuckets reads the account's 100 names from the per-account index; a scan of all 100,000
    // buckets would take milliseconds.
    const list = perCall(request("/", ""), 200);
    console.log(`handleS3: GetBucketVersioning ${versioning.toFixed(1)} µs, ListBuckets (100 buckets) ${list.toFixed(1)} µs per call`);
    expect(versioning).toBeLessThan(500);
    expect(list).toBeLessThan(1500);
  });
});
