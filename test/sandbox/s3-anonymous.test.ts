/**
 * Unsigned (anonymous) S3 requests, as scanners send them to find a bucket's Region: HeadBucket
 * answers 404 for a missing bucket and, for an existing one, 403 (or 301 from another Region's
 * endpoint) with x-amz-bucket-region, "regardless of the permissions on the bucket"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { smallScenario } from "../support/scenarios/small.js";

/** A raw HEAD or GET with no Authorization header; `host` overrides the Host header (virtual-hosted style). */
function unsigned(sandbox: Sandbox, method: string, path: string, host?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(sandbox.endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port: Number(url.port), method, path, headers: host === undefined ? {} : { host: `${host}:${url.port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("sandbox/s3 anonymous requests", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    const scenario = smallScenario();
    // A bucket whose policy lets anyone list it: the anonymous principal gets 200.
    scenario.accounts[0]?.buckets?.push({
      name: "mgmt-public",
      region: "us-east-1",
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::mgmt-public" }] },
    });
    sandbox = await startSandbox({ scenario });
  });
  afterAll(() => sandbox.close());

  it("answers HEAD on a missing bucket with 404 and no body", async () => {
    const answer = await fetch(`${sandbox.endpoint}/no-such-bucket-here`, { method: "HEAD" });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("x-amz-bucket-region")).toBeNull();
  });

  it("answers HEAD on an existing bucket in the endpoint's Region with 403 and x-amz-bucket-region", async () => {
    const answer = await fetch(`${sandbox.endpoint}/mgmt-trail`, { method: "HEAD" });
    expect([answer.status, answer.headers.get("x-amz-bucket-region")]).toEqual([403, "us-east-1"]);
  });

  it("answers HEAD on a bucket in another Region with 301 and x-amz-bucket-region", async () => {
    const answer = await fetch(`${sandbox.endpoint}/prod-data`, { method: "HEAD", redirect: "manual" });
    expect([answer.status, answer.headers.get("x-amz-bucket-region")]).toEqual([301, "eu-west-1"]);
  });

  it("answers the same virtual-hosted style (bucket in the Host header)", async () => {
    const [own, other, missing] = await Promise.all([
      unsigned(sandbox, "HEAD", "/", "mgmt-trail.localhost"),
      unsigned(sandbox, "HEAD", "/", "prod-data.localhost"),
      unsigned(sandbox, "HEAD", "/", "no-such-bucket-here.localhost"),
    ]);
    expect([own.status, own.headers["x-amz-bucket-region"], own.body]).toEqual([403, "us-east-1", ""]);
    expect([other.status, other.headers["x-amz-bucket-region"]]).toEqual([301, "eu-west-1"]);
    expect(missing.status).toBe(404);
  });

  it("lets the anonymous principal in only where a bucket policy grants Principal *", async () => {
    const answer = await fetch(`${sandbox.endpoint}/mgmt-public`, { method: "HEAD" });
    expect([answer.status, answer.headers.get("x-amz-bucket-region")]).toEqual([200, "us-east-1"]);
    const versioning = await unsigned(sandbox, "GET", "/mgmt-public?versioning");
    expect(versioning.status).toBe(403);
    expect(versioning.body).toContain("<Code>AccessDenied</Code>");
  });

  it("refuses anonymous ListBuckets and CreateBucket with AccessDenied", async () => {
    const [list, create] = await Promise.all([unsigned(sandbox, "GET", "/"), unsigned(sandbox, "PUT", "/anonymous-new")]);
    expect([list.status, create.status]).toEqual([403, 403]);
    expect(list.body).toContain("<Code>AccessDenied</Code>");
    expect(sandbox.world.buckets.has("anonymous-new")).toBe(false);
  });

  it("logs anonymous calls under no account", async () => {
    await fetch(`${sandbox.endpoint}/mgmt-trail`, { method: "HEAD" });
    expect(sandbox.calls.at(-1)).toMatchObject({ operation: "HeadBucket", bucket: "mgmt-trail", account: null, status: 403 });
    expect(sandbox.calls.some((call) => call.account === ACCOUNTS.management)).toBe(false);
  });
});
