/**
 * Multipart uploads into `BucketState.stored`: CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload, AbortMultipartUpload.
 * - UploadPart: part numbers 1..10,000; the part's ETag is the quoted MD5 of its bytes (API_UploadPart).
 * - CompleteMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html):
 *   parts listed in ascending order (else 400 InvalidPartOrder), each uploaded with that ETag (else
 *   400 InvalidPart), every part but the last at least 5 MiB (else 400 EntityTooSmall). The
 *   object's ETag is the MD5 of the concatenated binary part MD5s, then `-<count>`: not an MD5 of
 *   the object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * - An unknown or finished upload id: 404 NoSuchUpload.
 * In-flight uploads live beside the world, per bucket object, and vanish with it.
 */
import { createHash, randomBytes } from "node:crypto";
import type { BucketState, SandboxResponse, StoredObject } from "../core/contracts.js";
import type { BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { md5Etag, metadataOf, requestedSse, sentIntegrityProblem, sseHeaders } from "./objects.js";
import { MALFORMED_XML_MESSAGE, children, el, parseRoot, text, xmlDocument } from "./xml.js";

const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;

interface Upload {
  key: string;
  contentType: string;
  metadata: Record<string, string>;
  sse: StoredObject["sse"];
  parts: Map<number, { body: Buffer; etag: string }>;
}

const uploads = new WeakMap<BucketState, Map<string, Upload>>();

function uploadsOf(bucket: BucketState): Map<string, Upload> {
  let map = uploads.get(bucket);
  if (map === undefined) {
    map = new Map();
    uploads.set(bucket, map);
  }
  return map;
}

const xmlOk = ({ operation, bucket }: BucketContext, body: string, headers: Record<string, string> = {}): SandboxResponse => ({
  status: 200,
  headers: { "content-type": "application/xml", ...headers },
  body,
  operation,
  bucket: bucket.name,
  mutating: true,
});

function noSuchUpload({ operation, bucket }: BucketContext, uploadId: string): SandboxResponse {
  return s3Error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", operation, {
    bucket: bucket.name,
    fields: { UploadId: uploadId },
  });
}

/** The upload named by `uploadId` for this key, or the NoSuchUpload answer. */
function findUpload(context: BucketContext, key: string): Upload | SandboxResponse {
  const uploadId = context.request.query.get("uploadId") ?? "";
  const upload = uploadsOf(context.bucket).get(uploadId);
  return upload === undefined || upload.key !== key ? noSuchUpload(context, uploadId) : upload;
}

export function createMultipartUpload(context: BucketContext, key: string): SandboxResponse {
  const sse = requestedSse(context);
  if ("status" in sse) return sse;
  const uploadId = randomBytes(24).toString("base64url");
  uploadsOf(context.bucket).set(uploadId, {
    key,
    contentType: context.request.headers["content-type"] ?? "binary/octet-stream",
    metadata: metadataOf(context.request.headers),
    sse,
    parts: new Map(),
  });
  const algorithm = context.request.headers["x-amz-checksum-algorithm"];
  const body = xmlDocument("InitiateMultipartUploadResult", el("Bucket", context.bucket.name) + el("Key", key) + el("UploadId", uploadId));
  return xmlOk(context, body, { ...sseHeaders(sse), ...(algorithm === undefined ? {} : { "x-amz-checksum-algorithm": algorithm }) });
}

export function uploadPart(context: BucketContext, key: string): SandboxResponse {
  const upload = findUpload(context, key);
  if ("status" in upload) return upload;
  const partNumber = Number(context.request.query.get("partNumber"));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    return s3Error(400, "InvalidArgument", `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, context.operation, { bucket: context.bucket.name });
  }
  const problem = sentIntegrityProblem(context);
  if (problem !== undefined) return problem;
  const etag = md5Etag(context.request.body);
  upload.parts.set(partNumber, { body: context.request.body, etag });
  return { status: 200, headers: { etag, ...sseHeaders(upload.sse) }, body: "", operation: context.operation, bucket: context.bucket.name, mutating: true };
}

export function completeMultipartUpload(context: BucketContext, key: string): SandboxResponse {
  const upload = findUpload(context, key);
  if ("status" in upload) return upload;
  const fail = (status: number, code: string, message: string): SandboxResponse => s3Error(status, code, message, context.operation, { bucket: context.bucket.name });
  const root = parseRoot(context.request.body, "CompleteMultipartUpload");
  if (root === undefined) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
  const listed = children(root, "Part").map((part) => ({ number: Number(text(part, "PartNumber")), etag: text(part, "ETag") ?? "" }));
  if (listed.length === 0) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
  const parts: Buffer[] = [];
  const digests: Buffer[] = [];
  for (const [index, { number, etag }] of listed.entries()) {
    if (index > 0 && number <= listed[index - 1]!.number) return fail(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
    const part = upload.parts.get(number);
    // S3 compares ETags with or without their quotes.
    if (part === undefined || part.etag.replaceAll('"', "") !== etag.replaceAll('"', "")) {
      return fail(400, "InvalidPart", "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.");
    }
    if (index < listed.length - 1 && part.body.length < MIN_PART_BYTES) return fail(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.");
    parts.push(part.body);
    digests.push(Buffer.from(part.etag.replaceAll('"', ""), "hex"));
  }
  const object: StoredObject = {
    body: Buffer.concat(parts),
    contentType: upload.contentType,
    etag: `"${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${listed.length}"`,
    lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
    metadata: upload.metadata,
    sse: upload.sse,
  };
  context.bucket.stored.set(key, object);
  uploadsOf(context.bucket).delete(context.request.query.get("uploadId") ?? "");
  const location = `https://${context.bucket.name}.s3.${context.bucket.region}.amazonaws.com/${encodeURI(key)}`;
  const body = xmlDocument("CompleteMultipartUploadResult", el("Location", location) + el("Bucket", context.bucket.name) + el("Key", key) + el("ETag", object.etag));
  return xmlOk(context, body, sseHeaders(object.sse));
}

export function abortMultipartUpload(context: BucketContext, key: string): SandboxResponse {
  const upload = findUpload(context, key);
  if ("status" in upload) return upload;
  uploadsOf(context.bucket).delete(context.request.query.get("uploadId") ?? "");
  return { status: 204, headers: {}, body: "", operation: context.operation, bucket: context.bucket.name, mutating: true };
}
