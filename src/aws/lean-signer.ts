/**
 * SigV4 for the lean read path's one request shape: a GET with no body, one empty query parameter
 * (`?versioning`), and the headers `@smithy/signature-v4` adds with S3's settings (no double URI
 * encoding, `x-amz-content-sha256`). What that signer computes on every call is computed here once:
 * - the signing key per (day, region, service, credentials): the SDK's signer caches it too, but
 *   finds it by an HMAC of the credentials on every call, in a process-wide cache of 50 keys that
 *   a scan of many accounts at once keeps evicting;
 * - the date strings per second, the scope per (day, region, service), the signed-header list;
 * - no header object to sort, lower-case, trim and copy per call: the canonical request is one
 *   template string (the header values here are a host name, a date, a hash and the session token,
 *   none of which has the spaces or line breaks the SDK's canonicalisation would fold).
 * test/aws/lean-signer.test.ts signs the same requests with both and compares every header.
 */
import { createHash, createHmac } from "node:crypto";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/** SHA-256 of the empty payload (the SDK's constant for a request without a body). */
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** One GET to sign: where it goes (its Host header and path) and its single empty query parameter. */
export interface LeanRequest {
  /** The Host header: the host name, with `:port` when the URL has one. */
  host: string;
  path: string;
  /** The query parameter's name (`versioning`, `object-lock`…): the request's query is `name=`. */
  query: string;
  region: string;
  service: string;
}

/** The signed request's headers in the order the SDK's signer leaves them (host first, authorization last). */
export type SignedHeaders = Record<string, string>;

interface CachedKey {
  credentials: AwsCredentialIdentity;
  key: Buffer;
}

/** The query's canonical form, `name=` with the name URI-escaped as the SDK's `escapeUri` would. */
const canonicalQuery = (name: string): string => `${encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}=`;

export class LeanSigner {
  /** Signing keys by scope (`day/region/service`), each with the credentials it was derived from. */
  private readonly keys = new Map<string, CachedKey>();
  private second = Number.NaN;
  private longDate = "";
  private shortDate = "";

  constructor(private readonly credentials: AwsCredentialIdentityProvider) {}

  /** The headers to send: `host`, `x-amz-date`, `x-amz-security-token` (with a session), `x-amz-content-sha256`, `authorization`. */
  async sign(request: LeanRequest, at: Date): Promise<SignedHeaders> {
    const credentials = await this.credentials();
    if (typeof credentials !== "object" || typeof credentials.accessKeyId !== "string" || typeof credentials.secretAccessKey !== "string") {
      throw new Error("Resolved credential object is not valid");
    }
    this.setDate(at);
    const { longDate, shortDate } = this;
    const scope = `${shortDate}/${request.region}/${request.service}/aws4_request`;
    const token = credentials.sessionToken;
    const signedHeaders = token ? "host;x-amz-content-sha256;x-amz-date;x-amz-security-token" : "host;x-amz-content-sha256;x-amz-date";
    const canonical =
      `GET\n${request.path}\n${canonicalQuery(request.query)}\n` +
      `host:${request.host}\nx-amz-content-sha256:${EMPTY_SHA256}\nx-amz-date:${longDate}\n` +
      (token ? `x-amz-security-token:${token}\n` : "") +
      `\n${signedHeaders}\n${EMPTY_SHA256}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
    const signature = createHmac("sha256", this.signingKey(credentials, scope, shortDate, request)).update(stringToSign).digest("hex");
    const headers: SignedHeaders = { host: request.host, "x-amz-date": longDate };
    if (token) headers["x-amz-security-token"] = token;
    headers["x-amz-content-sha256"] = EMPTY_SHA256;
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  /** `20261129T091400Z` and `20261129`, formatted once per second. */
  private setDate(at: Date): void {
    const second = Math.floor(at.getTime() / 1000);
    if (second === this.second) return;
    this.second = second;
    this.longDate = at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
    this.shortDate = this.longDate.slice(0, 8);
  }

  /** The key for this scope, derived again only when the day or the secret changes (the key depends on nothing else). */
  private signingKey(credentials: AwsCredentialIdentity, scope: string, shortDate: string, request: LeanRequest): Buffer {
    const cached = this.keys.get(scope);
    const same = cached !== undefined && (cached.credentials === credentials || (cached.credentials.secretAccessKey === credentials.secretAccessKey && cached.credentials.accessKeyId === credentials.accessKeyId));
    if (same) return cached.key;
    let key: Buffer = Buffer.from(`AWS4${credentials.secretAccessKey}`, "utf8");
    for (const part of [shortDate, request.region, request.service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
    // Yesterday's keys are dropped as today's are derived: one entry per region and service.
    for (const old of this.keys.keys()) if (!old.startsWith(shortDate)) this.keys.delete(old);
    this.keys.set(scope, { credentials, key });
    return key;
  }
}
