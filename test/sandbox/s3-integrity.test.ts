/**
 * Writes S3 refuses without an integrity header (issue 11): raw requests signed with
 * @smithy/signature-v4 send exactly the headers a third-party client might (none, a wrong
 * Content-MD5, each x-amz-checksum-* algorithm, a checksum in an aws-chunked trailer), and the
 * real SDK still succeeds with every checksum algorithm it offers.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { ChecksumAlgorithm, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import { crc32c, crc64nvme } from "../../src/sandbox/s3/checksums.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { clientConfig } from "../support/sandbox.js";
import { smallScenario } from "../support/scenarios/small.js";
import { Sha256 } from "../support/sha256.js";


const VERSIONING = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
const b64 = (data: Buffer): string => data.toString("base64");
const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};
const u64 = (value: bigint): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
};

describe("sandbox/s3 integrity headers on writes", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: smallScenario() });
  });
  afterAll(() => sandbox.close());

  /** PUT /mgmt-trail?<subresource> signed for us-east-1 with the management keys; returns status and error code. */
  async function put(subresource: string, body: string, headers: Record<string, string> = {}, contentSha256?: string): Promise<{ status: number; code: string | null; message: string | null }> {
    const url = new URL(sandbox.endpoint);
    const payload = Buffer.from(body);
    const signer = new SignatureV4({ credentials: sandbox.credentials, region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });
    const signed = await signer.sign({
      method: "PUT",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/mgmt-trail",
      query: { [subresource]: "" },
      headers: { host: url.host, "x-amz-content-sha256": contentSha256 ?? createHash("sha256").update(payload).digest("hex"), ...headers },
      body: payload,
    });
    const answer = await fetch(`${sandbox.endpoint}/mgmt-trail?${subresource}`, { method: "PUT", headers: signed.headers, body: payload });
    const text = await answer.text();
    return { status: answer.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? null, message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? null };
  }

  it("refuses PutBucketVersioning, PutBucketReplication and PutObjectLockConfiguration without Content-MD5 or a checksum", async () => {
    const replication = "<ReplicationConfiguration><Role>arn:aws:iam::111111111111:role/r</Role><Rule><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::prod-data</Bucket></Destination></Rule></ReplicationConfiguration>";
    const answers = await Promise.all([
      put("versioning", VERSIONING),
      put("replication", replication),
      put("object-lock", "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"),
    ]);
    for (const answer of answers) {
      expect(answer).toEqual({ status: 400, code: "InvalidRequest", message: "Missing required header for this request: Content-MD5 OR x-amz-checksum-*" });
    }
    expect(sandbox.world.buckets.get("mgmt-trail")?.replication).toBeUndefined();
  });

  it("checks Content-MD5: accepted when right, BadDigest when wrong, InvalidDigest when not an MD5", async () => {
    const right = b64(createHash("md5").update(VERSIONING).digest());
    const wrong = b64(createHash("md5").update("something else").digest());
    expect(await put("versioning", VERSIONING, { "content-md5": right })).toMatchObject({ status: 200 });
    expect(await put("versioning", VERSIONING, { "content-md5": wrong })).toEqual({ status: 400, code: "BadDigest", message: "The Content-MD5 you specified did not match what we received." });
    expect(await put("versioning", VERSIONING, { "content-md5": "bm90LWFuLW1kNQ==" })).toMatchObject({ status: 400, code: "InvalidDigest" });
  });

  it("computes CRC-32C and CRC-64/NVME with their published check values (of \"123456789\")", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc64nvme(Buffer.from("123456789"))).toBe(0xae8b14860a799888n);
  });

  const body = Buffer.from(VERSIONING);
  it.each([
    ["crc32", "CRC32", b64(u32(crc32(body)))],
    ["crc32c", "CRC32C", b64(u32(crc32c(body)))],
    ["crc64nvme", "CRC64NVME", b64(u64(crc64nvme(body)))],
    ["sha1", "SHA1", b64(createHash("sha1").update(body).digest())],
    ["sha256", "SHA256", b64(createHash("sha256").update(body).digest())],
  ])("checks x-amz-checksum-%s: accepted when right, BadDigest when wrong", async (algorithm, label, digest) => {
    expect(await put("versioning", VERSIONING, { [`x-amz-checksum-${algorithm}`]: digest })).toMatchObject({ status: 200, code: null });
    const wrong = b64(Buffer.from(digest, "base64").map((byte) => byte ^ 0xff) as Buffer);
    expect(await put("versioning", VERSIONING, { [`x-amz-checksum-${algorithm}`]: wrong })).toEqual({
      status: 400,
      code: "BadDigest",
      message: `The ${label} you specified did not match the calculated checksum.`,
    });
  });

  it("refuses a checksum that is not a digest of the algorithm's size, and two checksums at once", async () => {
    expect(await put("versioning", VERSIONING, { "x-amz-checksum-crc32": "AAAA" })).toMatchObject({ status: 400, code: "InvalidRequest", message: "Value for x-amz-checksum-crc32 header is invalid." });
    const two = { "x-amz-checksum-crc32": b64(u32(crc32(body))), "x-amz-checksum-sha1": b64(createHash("sha1").update(body).digest()) };
    expect(await put("versioning", VERSIONING, two)).toMatchObject({ status: 400, code: "InvalidRequest" });
  });

  it("reads the checksum from an aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)", async () => {
    const chunked = (checksum: string): string => `${body.length.toString(16)}\r\n${VERSIONING}\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`;
    const headers = { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(body.length), "x-amz-trailer": "x-amz-checksum-crc32" };
    const streaming = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    expect(await put("versioning", chunked(b64(u32(crc32(body)))), headers, streaming)).toMatchObject({ status: 200 });
    expect(await put("versioning", chunked(b64(u32(crc32(Buffer.from("x"))))), headers, streaming)).toMatchObject({ status: 400, code: "BadDigest" });
  });

  it.each([ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256])(
    "still takes the SDK's PutBucketVersioning with ChecksumAlgorithm %s",
    async (algorithm) => {
      const client = new S3Client({ ...clientConfig(sandbox), forcePathStyle: true });
      const out = await client.send(new PutBucketVersioningCommand({ Bucket: "mgmt-trail", ChecksumAlgorithm: algorithm, VersioningConfiguration: { Status: "Enabled" } }));
      expect(out.$metadata.httpStatusCode).toBe(200);
    },
  );
});
