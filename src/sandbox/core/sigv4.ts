/**
 * SigV4 verification, written from the specification with node:crypto (the sandbox is an
 * independent oracle: it must not share the SDK's signer, or a signer bug would verify itself).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (S3 differences:
 * the path is not encoded a second time, and the payload hash is the x-amz-content-sha256 header)
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** What the Authorization header (or the presigned query) says. */
export interface SignedScope {
  accessKeyId: string;
  /** yyyymmdd from the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** yyyymmddThhmmssZ from X-Amz-Date (header, or query when presigned). */
  amzDate: string;
  presigned: boolean;
  /** X-Amz-Expires of a presigned URL, in seconds. */
  expiresSeconds: number | null;
  sessionToken: string | null;
}

export type ParsedAuth = { kind: "signed"; scope: SignedScope } | { kind: "missing" } | { kind: "malformed"; message: string };

/** The raw request as received, before any decoding. */
export interface RawRequest {
  method: string;
  /** Path exactly as sent on the request line (still percent-encoded). */
  rawPath: string;
  /** Query string exactly as sent, without the "?". */
  rawQuery: string;
  headers: Record<string, string>;
}

const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

function parseCredential(credential: string): Pick<SignedScope, "accessKeyId" | "date" | "region" | "service"> | null {
  const match = CREDENTIAL.exec(credential);
  if (match === null) return null;
  return { accessKeyId: match[1] as string, date: match[2] as string, region: match[3] as string, service: match[4] as string };
}

/** Reads the signature from `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` or from X-Amz-* query parameters. */
export function parseAuth(headers: Record<string, string>, query: URLSearchParams): ParsedAuth {
  const header = headers["authorization"];
  if (header !== undefined) {
    if (!header.startsWith(`${ALGORITHM} `)) return { kind: "malformed", message: "Unsupported Authorization Type" };
    const parts = new Map<string, string>();
    for (const part of header.slice(ALGORITHM.length + 1).split(",")) {
      const eq = part.indexOf("=");
      if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = parseCredential(parts.get("Credential") ?? "");
    const signedHeaders = parts.get("SignedHeaders");
    const signature = parts.get("Signature");
    const amzDate = headers["x-amz-date"];
    if (credential === null || signedHeaders === undefined || signature === undefined || amzDate === undefined) {
      return { kind: "malformed", message: "Authorization header requires 'Credential', 'SignedHeaders', 'Signature' and an X-Amz-Date header." };
    }
    return signed(credential, signedHeaders, signature, amzDate, { presigned: false, expiresSeconds: null, sessionToken: headers["x-amz-security-token"] ?? null });
  }
  if (query.get("X-Amz-Algorithm") === null) return { kind: "missing" };
  if (query.get("X-Amz-Algorithm") !== ALGORITHM) return { kind: "malformed", message: "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"" };
  const credential = parseCredential(query.get("X-Amz-Credential") ?? "");
  const signedHeaders = query.get("X-Amz-SignedHeaders");
  const signature = query.get("X-Amz-Signature");
  const amzDate = query.get("X-Amz-Date");
  const expires = Number(query.get("X-Amz-Expires") ?? "NaN");
  if (credential === null || signedHeaders === null || signature === null || amzDate === null || !Number.isInteger(expires)) {
    return { kind: "malformed", message: "Query-string authentication requires the X-Amz-Credential, X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Date and X-Amz-Expires parameters." };
  }
  return signed(credential, signedHeaders, signature, amzDate, { presigned: true, expiresSeconds: expires, sessionToken: query.get("X-Amz-Security-Token") });
}

/** The scope both signature forms (header, query string) come down to. */
function signed(
  credential: Pick<SignedScope, "accessKeyId" | "date" | "region" | "service">,
  signedHeaders: string,
  signature: string,
  amzDate: string,
  how: Pick<SignedScope, "presigned" | "expiresSeconds" | "sessionToken">,
): ParsedAuth {
  return { kind: "signed", scope: { ...credential, signedHeaders: signedHeaders.split(";"), signature, amzDate, ...how } };
}

/** RFC 3986 unreserved characters stay; everything else is %XX with upper-case hex. */
export const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** Canonical query: every parameter decoded then re-encoded, sorted by name then value; the presigned signature itself is left out. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = uriEncode(safeDecode(eq < 0 ? part : part.slice(0, eq)));
    const value = eq < 0 ? "" : uriEncode(safeDecode(part.slice(eq + 1)));
    if (name === "X-Amz-Signature") continue;
    pairs.push([name, value]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/**
 * S3 signs the path as sent (encoded once); every other service encodes each segment of the
 * already-encoded path again, after normalising it.
 */
export function canonicalPath(rawPath: string, service: string): string {
  const path = rawPath === "" ? "/" : rawPath;
  if (service === "s3") return path;
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(uriEncode(segment));
  }
  const trailing = path.endsWith("/") && segments.length > 0 ? "/" : "";
  return `/${segments.join("/")}${trailing}`;
}

export const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

export function canonicalRequest(request: RawRequest, scope: SignedScope, payloadHash: string): string {
  const headerLines = scope.signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  return [
    request.method,
    canonicalPath(request.rawPath, scope.service),
    canonicalQuery(request.rawQuery),
    headerLines,
    scope.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export const credentialScope = (scope: SignedScope): string => `${scope.date}/${scope.region}/${scope.service}/aws4_request`;

const signingKeys = new Map<string, Buffer>();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"), cached per scope. */
export function signingKey(secret: string, scope: SignedScope): Buffer {
  const cacheKey = `${secret}\u0000${credentialScope(scope)}`;
  let key = signingKeys.get(cacheKey);
  if (key === undefined) {
    const hmac = (k: string | Buffer, data: string): Buffer => createHmac("sha256", k).update(data).digest();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), "aws4_request");
    if (signingKeys.size > 10_000) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

export function stringToSign(scope: SignedScope, canonical: string): string {
  return [ALGORITHM, scope.amzDate, credentialScope(scope), sha256Hex(canonical)].join("\n");
}

/** The signature the request should carry if it was signed with `secret`. */
export function expectedSignature(secret: string, request: RawRequest, scope: SignedScope, payloadHash: string): string {
  const canonical = canonicalRequest(request, scope, payloadHash);
  return createHmac("sha256", signingKey(secret, scope)).update(stringToSign(scope, canonical)).digest("hex");
}

export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Milliseconds since the epoch of an X-Amz-Date (yyyymmddThhmmssZ), or NaN. */
export function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (m === null) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
