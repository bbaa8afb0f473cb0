/**
 * S3's REST error body, as S3 answers it:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
 * <Error><Code/><Message/><Resource/><RequestId/><HostId/></Error>, plus code-specific fields
 * (e.g. <BucketName>, <Endpoint>, <Region> for PermanentRedirect).
 */
import type { SandboxResponse } from "../core/contracts.js";
import { escapeXml } from "../core/escape-xml.js";
import { nextRequestIds } from "./request-id.js";

export interface S3ErrorExtra {
  bucket?: string | null;
  resource?: string;
  headers?: Record<string, string>;
  /** Extra child elements of <Error>, in order. */
  fields?: Record<string, string>;
}

export function s3Error(status: number, code: string, message: string, operation: string, extra: S3ErrorExtra = {}): SandboxResponse {
  const { requestId, hostId } = nextRequestIds();
  const fields = Object.entries(extra.fields ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
  const resource = extra.resource === undefined ? "" : `<Resource>${escapeXml(extra.resource)}</Resource>`;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `${fields}${resource}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return {
    status,
    headers: { "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": hostId, ...extra.headers },
    // HEAD answers carry no body; S3 still sends the status and headers.
    body,
    operation,
    bucket: extra.bucket ?? null,
    mutating: false,
  };
}
