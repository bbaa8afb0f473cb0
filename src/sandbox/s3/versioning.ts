/** GetBucketVersioning and PutBucketVersioning. */
import type { SandboxResponse } from "../core/contracts.js";
import { ok, type BucketContext } from "./context.js";
import { s3Error } from "./errors.js";
import { MALFORMED_XML_MESSAGE, el, parseRoot, text, xmlDocument } from "./xml.js";

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html: "If the bucket has
 * never been enabled for versioning, then no versioning status value is returned" — an empty
 * <VersioningConfiguration/>. MfaDelete appears only once it has been configured.
 */
export function getBucketVersioning({ bucket, operation }: BucketContext): SandboxResponse {
  const body = xmlDocument("VersioningConfiguration", el("Status", bucket.versioning) + el("MfaDelete", bucket.mfaDelete));
  return ok(operation, bucket.name, body);
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
 * - Status is Enabled or Suspended and MfaDelete Enabled or Disabled; anything else does not
 *   validate against S3's schema (400 MalformedXML).
 * - Changing MfaDelete, or any change while MFA delete is enabled, needs the x-amz-mfa header
 *   ("If MFA delete is enabled for the bucket, you must include the x-amz-mfa request header",
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html).
 *   S3's exact code and text for the missing header could not be confirmed: 400 InvalidRequest.
 * - Object Lock: "After you enable Object Lock on a bucket, you can't disable Object Lock or suspend
 *   versioning for that bucket" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html);
 *   S3 answers 409 InvalidBucketState "An Object Lock configuration is present on this bucket, so
 *   the versioning state cannot be changed." Re-enabling is a no-op and accepted.
 * - Replication: versioning must stay enabled on a replication source
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-and-other-bucket-configs.html#replication-and-versioning);
 *   S3 refuses suspension with 409 InvalidBucketState "A replication configuration is present on
 *   this bucket, so you cannot change the versioning state. To change the versioning state, first
 *   delete the replication configuration."
 */
export function putBucketVersioning({ request, bucket, operation }: BucketContext): SandboxResponse {
  const fail = (status: number, code: string, message: string): SandboxResponse =>
    s3Error(status, code, message, operation, { bucket: bucket.name });
  const configuration = parseRoot(request.body, "VersioningConfiguration");
  if (configuration === undefined) return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
  const status = text(configuration, "Status");
  const mfaDelete = text(configuration, "MfaDelete");
  if (status !== undefined && status !== "Enabled" && status !== "Suspended") return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);
  if (mfaDelete !== undefined && mfaDelete !== "Enabled" && mfaDelete !== "Disabled") return fail(400, "MalformedXML", MALFORMED_XML_MESSAGE);

  const hasMfa = (request.headers["x-amz-mfa"] ?? "").trim() !== "";
  if ((mfaDelete !== undefined || bucket.mfaDelete === "Enabled") && !hasMfa) {
    return fail(400, "InvalidRequest", "MFA Authentication must be used for this request");
  }
  if (status === "Suspended") {
    if (bucket.objectLockEnabled) {
      return fail(409, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
    }
    if (bucket.replication !== undefined) {
      return fail(409, "InvalidBucketState",
        "A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.");
    }
  }
  if (status !== undefined) bucket.versioning = status;
  if (mfaDelete !== undefined) bucket.mfaDelete = mfaDelete;
  return ok(operation, bucket.name);
}
