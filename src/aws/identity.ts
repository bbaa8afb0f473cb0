/** Who is calling: the first AWS call of a scan, and the place missing or rejected credentials surface. */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { CredentialsError, NetworkError } from "../errors.js";
import { awsErrorCode, awsErrorMessage } from "./errors.js";

export interface CallerIdentity {
  accountId: string;
  arn: string;
}

/** Errors that mean "these credentials are not usable", as opposed to a network or service fault. */
const REJECTED_CODES = new Set([
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "AccessDenied",
  "IncompleteSignature",
]);

export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    if (out.Account === undefined || out.Arn === undefined) {
      throw new CredentialsError("STS GetCallerIdentity returned no account: the credentials cannot be identified.", {
        operation: "GetCallerIdentity",
      });
    }
    return { accountId: out.Account, arn: out.Arn };
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    const code = awsErrorCode(error);
    if (error instanceof Error && error.name === "CredentialsProviderError") {
      throw new CredentialsError(
        `No AWS credentials found (environment, --profile, SSO, instance or task role): ${error.message}`,
        { cause: error, operation: "GetCallerIdentity", code: "CredentialsProviderError" },
      );
    }
    if (code === "NetworkError" || code === "Timeout") {
      const endpoint = await sts.config.endpoint?.().then((e) => `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ""}`).catch(() => undefined);
      // The endpoint itself is unreachable: nothing can be read; retrying later (or fixing --endpoint-url) is the fix.
      throw new NetworkError(`cannot reach the AWS endpoint${endpoint ? ` ${endpoint}` : ""}: ${awsErrorMessage(error)}`, {
        cause: error,
        operation: "GetCallerIdentity",
        code,
      });
    }
    if (REJECTED_CODES.has(code)) {
      throw new CredentialsError(`AWS rejected the caller's credentials : ${awsErrorMessage(error)}`, {
        cause: error,
        operation: "GetCallerIdentity",
        code,
      });
    }
    throw error;
  }
}
