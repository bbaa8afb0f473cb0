/** Who is calling: the first AWS call of a scan, and the place missing or rejected credentials surface. */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { CredentialsError, NetworkError, UsageError } from "../errors.js";
import { awsErrorCode, awsErrorMessage, httpStatusOf, isThrottling } from "./errors.js";

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

/** The endpoint the client talks to, as `scheme://host[:port]` (never user-info), for messages. */
const endpointOf = (sts: STSClient): Promise<string | undefined> =>
  Promise.resolve(sts.config.endpoint?.())
    .then((e) => (e === undefined ? undefined : `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ""}`))
    .catch(() => undefined);

/**
 * An answer with no AWS request id and no AWS error code came from something that is not an AWS
 * API (a web server, a proxy's error page): every AWS answer, success or error, carries a request id.
 */
function notAws(error: unknown): boolean {
  const shape = error as { $metadata?: { httpStatusCode?: number; requestId?: string }; Code?: unknown } | null;
  return shape?.$metadata?.httpStatusCode !== undefined && shape.$metadata.requestId === undefined && typeof shape.Code !== "string";
}

async function notAwsError(sts: STSClient, what: string, cause?: unknown): Promise<UsageError> {
  const endpoint = (await endpointOf(sts)) ?? "the AWS endpoint";
  return new UsageError(`${endpoint} does not speak the AWS API (STS GetCallerIdentity ${what}): check --endpoint-url`, {
    operation: "GetCallerIdentity",
    code: "NotAwsEndpoint",
    ...(cause === undefined ? {} : { cause }),
  });
}

export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    if ((out.Account === undefined || out.Arn === undefined) && out.$metadata.requestId === undefined) {
      throw await notAwsError(sts, `got HTTP ${out.$metadata.httpStatusCode ?? "?"} with no AWS answer in it`);
    }
    if (out.Account === undefined || out.Arn === undefined) {
      throw new CredentialsError("STS GetCallerIdentity returned no account: the credentials cannot be identified.", {
        operation: "GetCallerIdentity",
      });
    }
    return { accountId: out.Account, arn: out.Arn };
  } catch (error) {
    if (error instanceof CredentialsError || error instanceof UsageError) throw error;
    const code = awsErrorCode(error);
    if (error instanceof Error && error.name === "CredentialsProviderError") {
      throw new CredentialsError(
        `No AWS credentials found (environment, --profile, SSO, instance or task role): ${error.message}`,
        { cause: error, operation: "GetCallerIdentity", code: "CredentialsProviderError" },
      );
    }
    if (notAws(error)) throw await notAwsError(sts, `got HTTP ${httpStatusOf(error)} without an AWS error`, error);
    if (isThrottling(error)) {
      // Throttling that outlasted every retry: nothing could be read, but nothing is wrong with the input either.
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
      throw new NetworkError(
        `STS GetCallerIdentity was throttled (${code}: ${awsErrorMessage(error)})${attempts === undefined ? "" : ` on all ${attempts} attempt(s)`}: nothing was scanned; retry later or raise --max-attempts`,
        { cause: error, operation: "GetCallerIdentity", code },
      );
    }
    if (code === "NetworkError" || code === "Timeout") {
      const endpoint = await endpointOf(sts);
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
