/**
 * Answers of the AWS query protocol (STS, IAM): `<{Op}Response><{Op}Result>…</{Op}Result>
 * <ResponseMetadata><RequestId/></ResponseMetadata>`, and the error answer `<ErrorResponse><Error>
 * <Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, Type `Sender` for the caller's
 * faults and `Receiver` for the service's (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
 */
import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "./contracts.js";
import { escapeXml } from "./escape-xml.js";

export function queryError(xmlns: string, status: number, code: string, message: string, operation: string): SandboxResponse {
  const requestId = randomUUID();
  const type = status >= 500 ? "Receiver" : "Sender";
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<ErrorResponse xmlns="${xmlns}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
      `    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
    operation,
    mutating: false,
  };
}

export function queryResult(xmlns: string, operation: string, inner: string): SandboxResponse {
  const requestId = randomUUID();
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<${operation}Response xmlns="${xmlns}">\n  <${operation}Result>\n${inner}  </${operation}Result>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>\n`,
    operation,
    mutating: false,
  };
}
