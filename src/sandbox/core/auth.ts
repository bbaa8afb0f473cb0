/**
 * Authenticates a request: finds the key, checks the session token and its expiry, recomputes the
 * SigV4 signature, checks the request time and (S3) the payload hash, and decodes aws-chunked
 * bodies. Failures are answered in each service's own error shape:
 * - S3: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 *   (InvalidAccessKeyId 403, SignatureDoesNotMatch 403, ExpiredToken 400, InvalidToken 400,
 *   RequestTimeTooSkewed 403, XAmzContentSHA256Mismatch 400, AccessDenied 403)
 * - STS: https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 *   (InvalidClientTokenId 403, SignatureDoesNotMatch 403, MissingAuthenticationToken 403, ExpiredToken)
 * - Organizations: https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html
 *   and the JSON-protocol front door (UnrecognizedClientException 403, InvalidSignatureException 403,
 *   ExpiredTokenException 403, MissingAuthenticationTokenException 403)
 */
import { createHmac } from "node:crypto";
import { orgsError } from "../organizations/index.js";
import { s3Error } from "../s3/errors.js";
import { stsError } from "../sts/index.js";
import { decodeChunked, isStreamingPayload } from "./chunked.js";
import type { KeyState, SandboxResponse, World } from "./contracts.js";
import type { RawRequest, SignedScope } from "./sigv4.js";
import { canonicalRequest, credentialScope, expectedSignature, parseAmzDate, parseAuth, sha256Hex, signaturesEqual, signingKey, stringToSign, UNSIGNED_PAYLOAD } from "./sigv4.js";

export type AuthFailureKind =
  | "missing"
  | "malformed"
  | "unknownKey"
  | "badToken"
  | "expired"
  | "signature"
  | "skew"
  | "presignExpired"
  | "contentSha256Missing"
  | "contentSha256Mismatch";

export interface AuthFailure {
  ok: false;
  kind: AuthFailureKind;
  message?: string;
  scope?: SignedScope;
  /** For SignatureDoesNotMatch answers (S3 returns both so a client can debug its signer). */
  canonicalRequest?: string;
  stringToSign?: string;
}

export interface AuthSuccess {
  ok: true;
  caller: KeyState;
  scope: SignedScope;
  /** The payload, decoded when it came aws-chunked. */
  body: Buffer;
  /** The aws-chunked body's trailing headers (none otherwise). */
  trailers: Record<string, string>;
}

/** AWS's allowed clock difference between the signer and the service. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const EMPTY_SHA256 = sha256Hex("");

export function verifyChunkSignatures(secret: string, scope: SignedScope, seed: string, chunks: Buffer[], signatures: string[]): boolean {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html: each chunk signs the previous signature.
  if (signatures.length !== chunks.length + 1) return false;
  let previous = seed;
  const key = signingKey(secret, scope);
  for (let i = 0; i <= chunks.length; i++) {
    const toSign = ["AWS4-HMAC-SHA256-PAYLOAD", scope.amzDate, credentialScope(scope), previous, EMPTY_SHA256, sha256Hex(chunks[i] ?? Buffer.alloc(0))].join("\n");
    const signature = createHmac("sha256", key).update(toSign).digest("hex");
    if (!signaturesEqual(signature, signatures[i] as string)) return false;
    previous = signature;
  }
  return true;
}

export function authenticate(raw: RawRequest, query: URLSearchParams, body: Buffer, world: World, now: Date, realNowMs: number): AuthSuccess | AuthFailure {
  const parsed = parseAuth(raw.headers, query);
  if (parsed.kind === "missing") return { ok: false, kind: "missing" };
  if (parsed.kind === "malformed") return { ok: false, kind: "malformed", message: parsed.message };
  const scope = parsed.scope;
  if (!scope.amzDate.startsWith(scope.date)) {
    return { ok: false, kind: "malformed", scope, message: `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${scope.amzDate.slice(0, 8)}".` };
  }
  const key = world.keys.get(scope.accessKeyId);
  if (key === undefined) return { ok: false, kind: "unknownKey", scope };
  if ((key.sessionToken ?? null) !== scope.sessionToken) return { ok: false, kind: "badToken", scope };
  if (key.expiresAt !== undefined && key.expiresAt.getTime() <= now.getTime()) return { ok: false, kind: "expired", scope };

  const s3 = scope.service === "s3";
  const contentSha256 = raw.headers["x-amz-content-sha256"];
  let payloadHash: string;
  if (!s3) payloadHash = sha256Hex(body);
  else if (scope.presigned) payloadHash = contentSha256 ?? UNSIGNED_PAYLOAD;
  else if (contentSha256 === undefined) return { ok: false, kind: "contentSha256Missing", scope };
  else payloadHash = contentSha256;

  const signature = expectedSignature(key.secretAccessKey, raw, scope, payloadHash);
  if (!signaturesEqual(signature, scope.signature)) {
    const canonical = canonicalRequest(raw, scope, payloadHash);
    return { ok: false, kind: "signature", scope, canonicalRequest: canonical, stringToSign: stringToSign(scope, canonical) };
  }

  const signedAt = parseAmzDate(scope.amzDate);
  if (Number.isNaN(signedAt)) return { ok: false, kind: "malformed", scope, message: `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"` };
  if (scope.presigned) {
    if (realNowMs > signedAt + (scope.expiresSeconds ?? 0) * 1000) return { ok: false, kind: "presignExpired", scope };
  } else if (Math.abs(realNowMs - signedAt) > MAX_SKEW_MS) {
    return { ok: false, kind: "skew", scope, message: `Signature expired: ${scope.amzDate} is now earlier than ${new Date(realNowMs - MAX_SKEW_MS).toISOString()}` };
  }

  let payload = body;
  let trailers: Record<string, string> = {};
  if (s3 && isStreamingPayload(contentSha256)) {
    const decoded = decodeChunked(body);
    if (decoded === null) return { ok: false, kind: "malformed", scope, message: "The aws-chunked body is not well formed." };
    if (contentSha256?.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") === true &&
        !verifyChunkSignatures(key.secretAccessKey, scope, scope.signature, decoded.chunks, decoded.chunkSignatures)) {
      return { ok: false, kind: "signature", scope };
    }
    payload = decoded.payload;
    trailers = decoded.trailers;
  } else if (s3 && /^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256Hex(body)) {
    return { ok: false, kind: "contentSha256Mismatch", scope };
  }
  return { ok: true, caller: key, scope, body: payload, trailers };
}

const SIGNATURE_MESSAGE = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";

function s3AuthError(failure: AuthFailure, operation: string, bucket: string | null): SandboxResponse {
  const keyId = failure.scope?.accessKeyId ?? "";
  switch (failure.kind) {
    case "missing":
      return s3Error(403, "AccessDenied", "Access Denied", operation, { bucket });
    case "malformed":
      return s3Error(400, "AuthorizationHeaderMalformed", failure.message ?? "The authorization header is malformed.", operation, { bucket });
    case "unknownKey":
      return s3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", operation, { bucket, fields: { AWSAccessKeyId: keyId } });
    case "badToken":
      return s3Error(400, "InvalidToken", "The provided token is malformed or otherwise invalid.", operation, { bucket });
    case "expired":
      return s3Error(400, "ExpiredToken", "The provided token has expired.", operation, { bucket });
    case "signature":
      return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", operation, {
        bucket,
        fields: {
          AWSAccessKeyId: keyId,
          StringToSign: failure.stringToSign ?? "",
          SignatureProvided: failure.scope?.signature ?? "",
          CanonicalRequest: failure.canonicalRequest ?? "",
        },
      });
    case "skew":
      return s3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", operation, { bucket });
    case "presignExpired":
      return s3Error(403, "AccessDenied", "Request has expired", operation, { bucket });
    case "contentSha256Missing":
      return s3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", operation, { bucket });
    case "contentSha256Mismatch":
      return s3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", operation, { bucket });
  }
}

function stsAuthError(failure: AuthFailure, operation: string): SandboxResponse {
  switch (failure.kind) {
    case "missing":
      return stsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token", operation);
    case "unknownKey":
    case "badToken":
      return stsError(403, "InvalidClientTokenId", INVALID_TOKEN, operation);
    case "expired":
      return stsError(403, "ExpiredToken", EXPIRED_TOKEN, operation);
    case "signature":
      return stsError(403, "SignatureDoesNotMatch", SIGNATURE_MESSAGE, operation);
    case "skew":
    case "presignExpired":
      return stsError(403, "SignatureDoesNotMatch", failure.message ?? "Signature expired", operation);
    default:
      return stsError(400, "IncompleteSignature", failure.message ?? "The request signature does not conform to AWS standards.", operation);
  }
}

function orgsAuthError(failure: AuthFailure, operation: string): SandboxResponse {
  // The JSON front door spells its message member in lower case for these.
  const error = (code: string, message: string, status = 403): SandboxResponse => {
    const response = orgsError(status, code, message, operation);
    return { ...response, body: JSON.stringify({ __type: code, message }) };
  };
  switch (failure.kind) {
    case "missing":
      return error("MissingAuthenticationTokenException", "Missing Authentication Token");
    case "unknownKey":
    case "badToken":
      return error("UnrecognizedClientException", INVALID_TOKEN);
    case "expired":
      return error("ExpiredTokenException", EXPIRED_TOKEN);
    case "signature":
      return error("InvalidSignatureException", SIGNATURE_MESSAGE);
    case "skew":
    case "presignExpired":
      return error("InvalidSignatureException", failure.message ?? "Signature expired");
    default:
      return error("IncompleteSignatureException", failure.message ?? "The request signature does not conform to AWS standards.", 400);
  }
}

export function authErrorResponse(service: string, failure: AuthFailure, operation: string, bucket: string | null): SandboxResponse {
  // IAM speaks the query protocol as STS does, KMS JSON 1.1 as Organizations does: same error shapes.
  if (service === "sts" || service === "iam") return stsAuthError(failure, operation);
  if (service === "organizations" || service === "kms") return orgsAuthError(failure, operation);
  return s3AuthError(failure, operation, bucket);
}
