/**
 * Credentials: the caller's (standard chain or given), and one cached AssumeRole session per account.
 */
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { AssumeRoleCommand, type AssumeRoleCommandInput, type STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { CredentialsProviderError } from "@smithy/core/config";

export type CredentialsInput = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/** The session name every replguard AssumeRole uses, so CloudTrail shows who read what. */
export const ROLE_SESSION_NAME = "replguard-audit";

/** Refresh temporary credentials this long before they expire (the SDK clients use the same margin). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Shares one set of credentials between every client of an account: resolved once, reused until
 * five minutes before expiry, and concurrent callers wait on the same request (one AssumeRole per
 * account and session, not one per client or per call).
 */
export function cachedCredentials(source: CredentialsInput): AwsCredentialIdentityProvider {
  if (typeof source !== "function") return () => Promise.resolve(source);
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity): boolean =>
    c.expiration === undefined || c.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS;
  return () => {
    if (current !== undefined && fresh(current)) return Promise.resolve(current);
    pending ??= source()
      .then((c) => {
        current = c;
        return c;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/** The caller's credentials: given ones, or the standard chain (env, profile, SSO, instance/task roles). */
export function callerCredentials(options: { credentials?: CredentialsInput; profile?: string }): AwsCredentialIdentityProvider {
  const source = options.credentials ?? fromNodeProviderChain(options.profile === undefined ? {} : { profile: options.profile });
  return cachedCredentials(source);
}

export interface AssumeRoleOptions {
  accountId: string;
  roleName: string;
  externalId?: string;
  /** Credentials that call AssumeRole (the caller's). */
  masterCredentials: AwsCredentialIdentityProvider;
  /** STS client settings: region, endpoint, retries, shared request handler. */
  stsConfig: STSClientConfig;
  /**
   * One STS client (the caller's credentials, `stsConfig`) for every account's AssumeRole: without
   * it, each AssumeRole makes a provider and an STS client of its own (their construction, the region
   * provider chain the provider runs and the client's first call: 1–3 ms of CPU an account).
   */
  sts?: STSClient;
}

export const roleArn = (accountId: string, roleName: string): string => `arn:aws:iam::${accountId}:role/${roleName}`;

/**
 * A cached AssumeRole session into `arn:aws:iam::ACCOUNT:role/ROLE`, refreshed before it expires.
 * The SDK's provider builds its own STS client on first use and keeps it in its closure (~15 KB):
 * held per account from its start to the end of the access pass, 1,000 accounts held ~15 MB at the
 * audit's peak (docs/memory.md). So a provider is made for each AssumeRole (one per account, and one
 * per refresh, as before) and let go with its client once it has answered; only the credentials stay.
 */
export function assumeRoleCredentials(options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  const params = {
    RoleArn: roleArn(options.accountId, options.roleName),
    RoleSessionName: ROLE_SESSION_NAME,
    ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
  };
  const sts = options.sts;
  if (sts !== undefined) return cachedCredentials(() => assumeRole(sts, params));
  return cachedCredentials(() => fromTemporaryCredentials({ masterCredentials: options.masterCredentials, params, clientConfig: options.stsConfig })());
}

/** What `fromTemporaryCredentials` does with its STS client: the same call, the same credentials or errors. */
async function assumeRole(sts: STSClient, params: AssumeRoleCommandInput): Promise<AwsCredentialIdentity> {
  const { Credentials } = await sts.send(new AssumeRoleCommand(params));
  if (!Credentials || !Credentials.AccessKeyId || !Credentials.SecretAccessKey) {
    throw new CredentialsProviderError(`Invalid response from STS.assumeRole call with role ${params.RoleArn}`);
  }
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
    expiration: Credentials.Expiration,
    // Not in this SDK's type, but read as the provider reads it (a newer STS answer carries it).
    credentialScope: (Credentials as { CredentialScope?: string }).CredentialScope,
  } as AwsCredentialIdentity;
}
