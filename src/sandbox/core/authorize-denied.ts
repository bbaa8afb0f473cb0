/**
 * AccessDenied as each service answers it:
 * - S3: 403 `AccessDenied` in S3's REST error XML (HEAD: status and headers only)
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 * - IAM, STS: 403 `AccessDenied` in the query protocol's ErrorResponse
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
 * - KMS: 400 `AccessDeniedException`; Organizations: 400 `AccessDeniedException` (JSON 1.1)
 *   https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
 * The message names the caller, the action and the resource, as AWS's do.
 */
import { iamError } from "../iam/xml.js";
import { kmsError } from "../kms/index.js";
import { orgsError } from "../organizations/index.js";
import { s3Error } from "../s3/errors.js";
import { stsError } from "../sts/index.js";
import type { Authorization } from "./authorize-actions.js";
import type { KeyState, SandboxResponse, World } from "./contracts.js";

export function accessDenied(service: string, operation: string, caller: KeyState, auth: Authorization, bucket: string | null, method: string, world: World): SandboxResponse {
  const message = `User: ${caller.principalArn} is not authorized to perform: ${auth.action} on resource: ${auth.resource}`;
  if (service === "iam") return iamError(403, "AccessDenied", message, operation);
  if (service === "sts") return stsError(403, "AccessDenied", message, operation);
  if (service === "kms") return kmsError(400, "AccessDeniedException", message, operation);
  if (service === "organizations") return orgsError(400, "AccessDeniedException", message, operation);
  const region = bucket === null ? undefined : world.buckets.get(bucket)?.region;
  const denied = s3Error(403, "AccessDenied", message, operation, { bucket, ...(region === undefined || method !== "HEAD" ? {} : { headers: { "x-amz-bucket-region": region } }) });
  if (method !== "HEAD") return { ...denied, mutating: method === "PUT" || method === "POST" || method === "DELETE" };
  const headers = { ...denied.headers };
  delete headers["content-type"];
  return { ...denied, headers, body: "" };
}
