/**
 * IAM's query-protocol answers: `<{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata>` and
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html). Policy documents are
 * returned URL-encoded (RFC 3986), as IAM does: "The policy document returned in this structure
 * is URL-encoded compliant with RFC 3986" (API_GetRolePolicy, API_PolicyVersion, API_Role).
 */
import type { SandboxResponse } from "../core/contracts.js";
import { queryError, queryResult } from "../core/query-protocol.js";
import { escapeXml } from "../core/escape-xml.js";

const XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

export const iamError = (status: number, code: string, message: string, operation: string): SandboxResponse =>
  queryError(XMLNS, status, code, message, operation);

export const iamResult = (operation: string, inner: string): SandboxResponse => queryResult(XMLNS, operation, inner);

/** `<name>value</name>` with the value escaped; nothing for undefined. */
export const element = (name: string, value: string | number | boolean | undefined): string =>
  value === undefined ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;

/** A policy document as IAM returns it: JSON text, URL-encoded. */
export const encodedDocument = (document: unknown): string => encodeURIComponent(JSON.stringify(document));

/** IAM's timestamps: ISO 8601 without milliseconds. */
export const iamDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");
