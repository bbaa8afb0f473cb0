/**
 * Writes whose body S3 refuses without an integrity header: the API reference marks them "The
 * Content-MD5 or x-amz-sdk-checksum-algorithm header is required" (e.g.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html,
 * API_PutBucketReplication.html, API_PutObjectLockConfiguration.html).
 * - Neither Content-MD5 nor an x-amz-checksum-* header (or aws-chunked trailer): 400 InvalidRequest
 *   "Missing required header for this request: Content-MD5 OR x-amz-checksum-*" (S3's answer as
 *   captured in versity/versitygw#1301).
 * - Content-MD5 that is not a base64 MD5: 400 InvalidDigest; one that does not match: 400 BadDigest
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
 * - A checksum that does not match: 400 BadDigest "The CRC32 you specified did not match the
 *   calculated checksum."; one that is not a base64 digest of the right size: 400 InvalidRequest;
 *   more than one: 400 InvalidRequest (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 */
import { createHash } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../core/contracts.js";
import { CHECKSUMS } from "./checksums.js";
import { s3Error } from "./errors.js";

export const NEEDS_INTEGRITY_HEADER = new Set(["PutBucketVersioning", "PutBucketReplication", "PutObjectLockConfiguration"]);

const PREFIX = "x-amz-checksum-";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The x-amz-checksum-<algorithm> values sent, from headers and from an aws-chunked trailer. */
function checksumsOf(request: SandboxRequest): Array<[string, string]> {
  const sent = { ...request.headers, ...request.trailers };
  return Object.entries(sent).filter(([name]) => name.startsWith(PREFIX) && CHECKSUMS[name.slice(PREFIX.length)] !== undefined);
}

/** The refusal S3 would answer, or undefined when the body's integrity header checks out. */
export function integrityProblem(request: SandboxRequest, operation: string, bucket: string): SandboxResponse | undefined {
  const fail = (code: string, message: string): SandboxResponse => s3Error(400, code, message, operation, { bucket });
  const md5 = request.headers["content-md5"];
  const checksums = checksumsOf(request);
  if (md5 === undefined && checksums.length === 0) return fail("InvalidRequest", "Missing required header for this request: Content-MD5 OR x-amz-checksum-*");
  if (md5 !== undefined) {
    const digest = BASE64.test(md5.trim()) ? Buffer.from(md5.trim(), "base64") : Buffer.alloc(0);
    if (digest.length !== 16) return fail("InvalidDigest", "The Content-MD5 you specified is not valid.");
    if (!digest.equals(createHash("md5").update(request.body).digest())) return fail("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  if (checksums.length > 1) return fail("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  for (const [name, value] of checksums) {
    const [label, digestOf] = CHECKSUMS[name.slice(PREFIX.length)] as (typeof CHECKSUMS)[string];
    const expected = digestOf(request.body);
    const sent = BASE64.test(value.trim()) ? Buffer.from(value.trim(), "base64") : Buffer.alloc(0);
    if (sent.length !== expected.length) return fail("InvalidRequest", `Value for ${name} header is invalid.`);
    if (!sent.equals(expected)) return fail("BadDigest", `The ${label} you specified did not match the calculated checksum.`);
  }
  return undefined;
}
