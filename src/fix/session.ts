/**
 * Credentials and S3 clients for writing: the caller's credentials, then per account a session
 * of the fix role (`--fix-role-name`, default the audit role), and one client per account and
 * Region so every call is signed for the bucket's own Region.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { S3ControlClient } from "@aws-sdk/client-s3-control";
import { STSClient } from "@aws-sdk/client-sts";
import {
  AwsClientFactory,
  assumeRoleCredentials,
  callerCredentials,
  defaultRegion,
  type AwsAccessOptions,
} from "../aws/index.js";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";

/** The caller, endpoint and retries as the scan takes them; `roleName` is the role the writes go through (default the audit role). */
export type FixAwsOptions = AwsAccessOptions;

export const DEFAULT_FIX_ROLE_NAME = "OrganizationAccountAccessRole";

export class FixSession {
  private readonly factory: AwsClientFactory;
  private readonly caller: AwsCredentialIdentityProvider;
  private readonly accounts = new Map<string, AwsCredentialIdentityProvider>();
  private readonly clients = new Map<string, S3Client>();
  /** One STS client (the caller's credentials) for every account's AssumeRole, not a provider and a client per account. */
  private sts: STSClient | undefined;

  constructor(private readonly options: FixAwsOptions) {
    this.factory = new AwsClientFactory({
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.retryStrategy === undefined ? {} : { retryStrategy: options.retryStrategy }),
      region: options.region ?? defaultRegion(),
      maxAttempts: options.maxAttempts ?? 5,
      maxSockets: 16,
    });
    this.caller = callerCredentials(options);
  }

  private credentials(accountId: string): AwsCredentialIdentityProvider {
    if (this.options.singleAccount === true) return this.caller;
    let provider = this.accounts.get(accountId);
    if (provider === undefined) {
      provider = assumeRoleCredentials({
        accountId,
        roleName: this.options.roleName ?? DEFAULT_FIX_ROLE_NAME,
        ...(this.options.externalId === undefined ? {} : { externalId: this.options.externalId }),
        masterCredentials: this.caller,
        stsConfig: this.factory.stsConfig(),
        // As the scan's (scan/access.ts): the settings the provider's own client had.
        sts: (this.sts ??= new STSClient({ ...this.factory.stsConfig(), credentials: this.caller })),
      });
      this.accounts.set(accountId, provider);
    }
    return provider;
  }

  s3(accountId: string, region: string): S3Client {
    const key = `${accountId}/${region}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      client = this.factory.s3(this.credentials(accountId), region);
      this.clients.set(key, client);
    }
    return client;
  }

  s3control(accountId: string, region: string): S3ControlClient {
    return this.factory.s3control(this.credentials(accountId), region);
  }

  close(): void {
    this.factory.close();
  }
}
