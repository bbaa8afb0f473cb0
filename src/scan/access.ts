/**
 * Getting into an account: AssumeRole into the audit role; for the caller's own account (the
 * management account, where OrganizationAccountAccessRole usually does not exist) a denied
 * AssumeRole falls back to the caller's own credentials.
 */
import { STSClient } from "@aws-sdk/client-sts";
import { assumeRoleCredentials, awsErrorCode, isAccessDenied, toBucketError, type AwsClientFactory } from "../aws/index.js";
import type { BucketError } from "../model/index.js";
import { AccountSession, type ScanContext } from "./context.js";

export type AccessResult = { session: AccountSession; error: null } | { session: null; error: BucketError };

/**
 * The STS client every account's AssumeRole of a scan is sent with (the caller's credentials, the
 * factory's STS settings, as the provider's own client had): one per factory, not one per account.
 */
const assumeRoleClients = new WeakMap<AwsClientFactory, STSClient>();
function assumeRoleClient(ctx: Pick<ScanContext, "factory" | "caller">): STSClient {
  let sts = assumeRoleClients.get(ctx.factory);
  if (sts === undefined) assumeRoleClients.set(ctx.factory, (sts = new STSClient({ ...ctx.factory.stsConfig(), credentials: ctx.caller.credentials })));
  return sts;
}

/** The audit role's credentials in `accountId`, assumed with the scan's one STS client (here and in the workers' hand-over). */
export function auditRoleCredentials(ctx: Pick<ScanContext, "factory" | "caller" | "roleName" | "externalId">, accountId: string) {
  return assumeRoleCredentials({
    accountId,
    roleName: ctx.roleName,
    ...(ctx.externalId === undefined ? {} : { externalId: ctx.externalId }),
    masterCredentials: ctx.caller.credentials,
    stsConfig: ctx.factory.stsConfig(),
    sts: assumeRoleClient(ctx),
  });
}

export async function openAccount(ctx: ScanContext, accountId: string): Promise<AccessResult> {
  if (ctx.singleAccount) {
    return { session: new AccountSession(accountId, ctx.caller.credentials, "caller", ctx.factory), error: null };
  }
  const credentials = auditRoleCredentials(ctx, accountId);
  try {
    // Resolve once now: a missing or untrusting role shows here, and the session is cached for every client.
    await ctx.request(() => credentials());
    return { session: new AccountSession(accountId, credentials, "assumed-role", ctx.factory), error: null };
  } catch (error) {
    const ownAccount = accountId === ctx.caller.accountId;
    if (ownAccount && (isAccessDenied(error) || awsErrorCode(error) === "NoSuchEntity")) {
      return { session: new AccountSession(accountId, ctx.caller.credentials, "caller", ctx.factory), error: null };
    }
    return { session: null, error: toBucketError("AssumeRole", error) };
  }
}
