/**
 * ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html) over
 * `BucketState.stored`: keys in UTF-8 binary order, `prefix`, `delimiter` (keys sharing the part up
 * to the delimiter are one CommonPrefixes entry, counted once in KeyCount and MaxKeys), `max-keys`
 * (default and ceiling 1,000), `start-after`, an opaque `continuation-token`, `encoding-type=url`.
 */
import type { SandboxResponse } from "../core/contracts.js";
import type { BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { el, wrap, xmlDocument } from "./xml.js";

const MAX_KEYS = 1000;

const encodeToken = (after: string): string => Buffer.from(`rg2:${after}`).toString("base64url");
function decodeToken(token: string): string | undefined {
  const text = Buffer.from(token, "base64url").toString();
  return text.startsWith("rg2:") ? text.slice(4) : undefined;
}

/** S3's `encoding-type=url`: keys percent-encoded (spaces as `+`, as S3 does). */
const urlEncode = (text: string): string => encodeURIComponent(text).replace(/%20/g, "+").replace(/%2F/g, "/");

/** Byte order, as S3 sorts keys (UTF-8 binary), not UTF-16 code-unit order. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function listObjectsV2(context: BucketContext): SandboxResponse {
  const { request, bucket, operation } = context;
  const { query } = request;
  const fail = (code: string, message: string): SandboxResponse => s3Error(400, code, message, operation, { bucket: bucket.name });
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const startAfter = query.get("start-after") ?? "";
  const encoding = query.get("encoding-type");
  if (encoding !== null && encoding !== "url") return fail("InvalidArgument", "Invalid Encoding Method specified in Request");
  const maxText = query.get("max-keys");
  const maxKeys = maxText === null ? MAX_KEYS : Number(maxText);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) return fail("InvalidArgument", "Provided max-keys not an integer or within integer range");
  const limit = Math.min(maxKeys, MAX_KEYS);
  const token = query.get("continuation-token");
  const resumeAfter = token === null ? undefined : decodeToken(token);
  if (token !== null && resumeAfter === undefined) return fail("InvalidArgument", "The continuation token provided is incorrect");
  const after = resumeAfter ?? startAfter;

  const keys = [...bucket.stored.keys()].filter((key) => key.startsWith(prefix) && (after === "" || byteOrder(key, after) > 0)).sort(byteOrder);
  const contents: string[] = [];
  const commonPrefixes: string[] = [];
  let last = "";
  let truncated = false;
  for (const key of keys) {
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
    const common = cut < 0 ? undefined : key.slice(0, cut + delimiter.length);
    // Every key under a common prefix already listed folds into it.
    if (common !== undefined && common === commonPrefixes.at(-1)) {
      last = key;
      continue;
    }
    if (contents.length + commonPrefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common !== undefined) commonPrefixes.push(common);
    else contents.push(key);
    last = key;
  }
  // A common prefix resumes after every key under it, not after its first key.
  const resumeFrom = commonPrefixes.length > 0 && last.startsWith(commonPrefixes.at(-1)!) ? `${commonPrefixes.at(-1)!}\u{10FFFF}` : last;
  const show = (text: string): string => (encoding === "url" ? urlEncode(text) : text);
  const contentXml = contents
    .map((key) => {
      const object = bucket.stored.get(key)!;
      return wrap(
        "Contents",
        el("Key", show(key)) + el("LastModified", object.lastModified.toISOString()) + el("ETag", object.etag) + el("Size", object.body.length) + el("StorageClass", "STANDARD"),
      );
    })
    .join("");
  const prefixXml = commonPrefixes.map((p) => wrap("CommonPrefixes", el("Prefix", show(p)))).join("");
  const body = xmlDocument(
    "ListBucketResult",
    el("Name", bucket.name) +
      el("Prefix", show(prefix)) +
      (delimiter === "" ? "" : el("Delimiter", show(delimiter))) +
      el("MaxKeys", maxKeys) +
      (encoding === null ? "" : el("EncodingType", encoding)) +
      el("KeyCount", contents.length + commonPrefixes.length) +
      el("IsTruncated", truncated) +
      (token === null ? "" : el("ContinuationToken", token)) +
      (truncated ? el("NextContinuationToken", encodeToken(resumeFrom)) : "") +
      (startAfter === "" ? "" : el("StartAfter", show(startAfter))) +
      contentXml +
      prefixXml,
  );
  return { status: 200, headers: { "content-type": "application/xml" }, body, operation, bucket: bucket.name, mutating: false };
}
