/**
 * How replguard reaches AWS: the caller, the endpoint, the role it assumes in each account, and the
 * retries. Shared by the scan (which reads) and the fix (which writes), so a flag means the same
 * in both and the CLI hands the one to the other unchanged.
 */
import type { RetryStrategy } from "./clients.js";
import type { CredentialsInput } from "./credentials.js";

export interface AwsAccessOptions {
  /** Caller credentials; default: the standard chain (env, --profile, SSO, instance/task roles). */
  credentials?: CredentialsInput;
  profile?: string;
  /** Endpoint override for every client (sandbox); default: the SDK's own handling of AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Home region for STS (and Organizations and ListBuckets); default AWS_REGION / AWS_DEFAULT_REGION / us-east-1. */
  region?: string;
  /** Role assumed in every account; default OrganizationAccountAccessRole (the audit role; for writes, --fix-role-name). */
  roleName?: string;
  externalId?: string;
  /** Only the caller's account, with its own credentials: no Organizations, no role assumed. */
  singleAccount?: boolean;
  /** Standard retry mode's maximum attempts per call; default 10. */
  maxAttempts?: number;
  /** The SDK's `retryStrategy` for every client, replacing standard mode and `maxAttempts` (tests use a quick backoff). */
  retryStrategy?: RetryStrategy;
  /**
   * The scan's hot per-bucket GETs through the lean read path (signed and parsed without the SDK's
   * per-call machinery, same answers; docs/scale.md); default true, false keeps them on the SDK.
   */
  leanReads?: boolean;
}

