/**
 * ListBuckets: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
 * Only the caller's account's buckets, sorted by name. `max-buckets` (1..10000), an opaque
 * `continuation-token`, and the `prefix` / `bucket-region` filters; when any of those parameters is
 * sent without `max-buckets`, S3 pages at 10,000 (the API reference's note on ContinuationToken).
 * BucketRegion is emitted for every bucket, as S3 does since it added the field (2024).
 */
import type { SandboxRequest, SandboxResponse, World } from "../core/contracts.js";
import { accountBucketNames } from "./bucket-index.js";
import { s3Error } from "./errors.js";
import { ownerXml } from "./owner.js";
import { el, wrap, xmlDocument } from "./xml.js";

const OPERATION = "ListBuckets";
const DEFAULT_PAGE = 10_000;

const encodeToken = (lastName: string): string => Buffer.from(`rg1:${lastName}`).toString("base64url");

function decodeToken(token: string): string | undefined {
  const text = Buffer.from(token, "base64url").toString();
  return text.startsWith("rg1:") ? text.slice(4) : undefined;
}

/** First index in sorted `names` whose name is > `after` (or >= it when `inclusive`). */
function search(names: readonly string[], after: string, inclusive: boolean): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const name = names[mid] as string;
    if (name < after || (!inclusive && name === after)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listBuckets(request: SandboxRequest, world: World): SandboxResponse {
  const { query } = request;
  const maxText = query.get("max-buckets");
  let pageSize = DEFAULT_PAGE;
  if (maxText !== null) {
    pageSize = /^\d+$/.test(maxText) ? Number(maxText) : NaN;
    if (!(pageSize >= 1 && pageSize <= DEFAULT_PAGE)) {
      // The API reference gives the range (1..10000); the message text is not documented.
      return s3Error(400, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000", OPERATION, {
        fields: { ArgumentName: "max-buckets", ArgumentValue: maxText },
      });
    }
  }
  const token = query.get("continuation-token");
  const prefix = query.get("prefix") ?? "";
  const region = query.get("bucket-region");

  const names = accountBucketNames(world, request.caller.accountId);
  let start = search(names, prefix, true);
  if (token !== null && token !== "") {
    const after = decodeToken(token);
    if (after === undefined) {
      return s3Error(400, "InvalidArgument", "The continuation token provided is incorrect", OPERATION, {
        fields: { ArgumentName: "continuation-token", ArgumentValue: token },
      });
    }
    start = Math.max(start, search(names, after, false));
  }

  const entries: string[] = [];
  let next: string | undefined;
  for (let i = start; i < names.length; i++) {
    const name = names[i] as string;
    if (!name.startsWith(prefix)) break; // sorted: no later name has the prefix either
    const bucket = world.buckets.get(name);
    if (bucket === undefined || (region !== null && bucket.region !== region)) continue;
    if (entries.length === pageSize) {
      next = encodeToken(names[i - 1] as string);
      break;
    }
    entries.push(
      wrap("Bucket", el("Name", name) + el("CreationDate", bucket.createdAt.toISOString()) + el("BucketRegion", bucket.region)),
    );
  }

  const account = world.accounts.get(request.caller.accountId);
  const body = xmlDocument(
    "ListAllMyBucketsResult",
    wrap("Buckets", entries.join("")) +
      ownerXml(request.caller.accountId, account?.name ?? request.caller.accountId) +
      el("ContinuationToken", next) +
      el("Prefix", query.has("prefix") ? prefix : undefined),
  );
  return { status: 200, headers: { "content-type": "application/xml" }, body, operation: OPERATION, bucket: null, mutating: false };
}
