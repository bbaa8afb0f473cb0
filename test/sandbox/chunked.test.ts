import { describe, expect, it } from "vitest";
import { verifyChunkSignatures } from "../../src/sandbox/core/auth.js";
import { decodeChunked } from "../../src/sandbox/core/chunked.js";
import { parseAuth } from "../../src/sandbox/core/sigv4.js";

/** https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html, "Example: PUT Object" (64 KB + 1 KB of "a"). */
const SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const SIGNATURES = [
  "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
  "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
  "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];

function exampleBody(signatures: string[]): Buffer {
  const chunk = (data: Buffer, signature: string) =>
    Buffer.concat([Buffer.from(`${data.length.toString(16)};chunk-signature=${signature}\r\n`), data, Buffer.from("\r\n")]);
  return Buffer.concat([
    chunk(Buffer.alloc(65_536, "a"), signatures[0]!),
    chunk(Buffer.alloc(1_024, "a"), signatures[1]!),
    chunk(Buffer.alloc(0), signatures[2]!),
  ]);
}

const scope = () => {
  const headers = {
    "x-amz-date": "20130524T000000Z",
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
  };
  const parsed = parseAuth(headers, new URLSearchParams());
  if (parsed.kind !== "signed") throw new Error("not parsed");
  return parsed.scope;
};

describe("sandbox/chunked", () => {
  it("decodes an aws-chunked body into its payload", () => {
    const decoded = decodeChunked(exampleBody(SIGNATURES));
    expect(decoded?.payload.length).toBe(66_560);
    expect(decoded?.chunkSignatures).toEqual(SIGNATURES);
  });

  it("decodes an unsigned chunked body with a trailing checksum", () => {
    const body = Buffer.from("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n");
    const decoded = decodeChunked(body);
    expect(decoded?.payload.toString()).toBe("hello");
    expect(decoded?.trailers).toEqual({ "x-amz-checksum-crc32": "NhCmhg==" });
    expect(decodeChunked(Buffer.from("zz\r\nhello"))).toBeNull();
  });

  it("verifies the chunk signatures of AWS's streaming example and refuses a changed chunk", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const decoded = decodeChunked(exampleBody(SIGNATURES))!;
    expect(verifyChunkSignatures(secret, scope(), SEED, decoded.chunks, decoded.chunkSignatures)).toBe(true);
    const tampered = decodeChunked(exampleBody(SIGNATURES))!;
    tampered.chunks[1] = Buffer.alloc(1_024, "b");
    expect(verifyChunkSignatures(secret, scope(), SEED, tampered.chunks, tampered.chunkSignatures)).toBe(false);
  });
});
