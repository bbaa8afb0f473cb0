/** Get/PutObjectLockConfiguration. */
import type { SandboxResponse } from "../core/contracts.js";
import { ok, type BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { MALFORMED_XML_MESSAGE, child, el, has, parseRoot, text, wrap, xmlDocument } from "./xml.js";

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html — a bucket
 * without Object Lock: 404 ObjectLockConfigurationNotFoundError "Object Lock configuration does
 * not exist for this bucket".
 */
export function getObjectLockConfiguration({ bucket, operation }: BucketContext): SandboxResponse {
  if (!bucket.objectLockEnabled) {
    return s3Error(404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", operation, {
      bucket: bucket.name,
      fields: { BucketName: bucket.name },
    });
  }
  const rule = bucket.objectLockRule;
  const ruleXml = rule
    ? wrap("Rule", wrap("DefaultRetention", el("Mode", rule.mode) + el("Days", rule.days) + el("Years", rule.years)))
    : "";
  return ok(operation, bucket.name, xmlDocument("ObjectLockConfiguration", el("ObjectLockEnabled", "Enabled") + ruleXml));
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
 * - ObjectLockEnabled, when given, is "Enabled"; DefaultRetention needs Mode (GOVERNANCE|COMPLIANCE)
 *   and exactly one of Days or Years ("The default retention period ... you must specify either
 *   Days or Years ... but you cannot specify both") — schema errors are 400 MalformedXML.
 *   Days/Years must be positive: 400 InvalidArgument (S3's text not confirmed).
 * - Enabling Object Lock on an existing bucket needs versioning Enabled
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html): 409
 *   InvalidBucketState "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration".
 */
export function putObjectLockConfiguration({ request, bucket, operation }: BucketContext): SandboxResponse {
  const fail = (status: number, code: string, message: string): SandboxResponse => s3Error(status, code, message, operation, { bucket: bucket.name });
  const root = parseRoot(request.body, "ObjectLockConfiguration");
  if (root === undefined) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
  const enabled = text(root, "ObjectLockEnabled");
  if (enabled !== undefined && enabled !== "Enabled") return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);

  let rule: typeof bucket.objectLockRule;
  if (has(root, "Rule")) {
    const retention = child(child(root, "Rule"), "DefaultRetention");
    const mode = text(retention, "Mode");
    const days = text(retention, "Days");
    const years = text(retention, "Years");
    if (retention === undefined || (mode !== "GOVERNANCE" && mode !== "COMPLIANCE")) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
    if ((days === undefined) === (years === undefined)) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
    const period = Number(days ?? years);
    if (!Number.isInteger(period) || period <= 0) return fail(400, "InvalidArgument", "Default retention period must be a positive integer value");
    rule = days !== undefined ? { mode, days: period } : { mode, years: period };
  }
  if (!bucket.objectLockEnabled && bucket.versioning !== "Enabled") {
    return fail(409, "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
  }
  bucket.objectLockEnabled = true;
  bucket.objectLockRule = rule;
  return ok(operation, bucket.name);
}
