/**
 * Small scenarios and client settings shared by the sandbox tests. Clients are the real AWS SDK v3
 * clients pointed at the sandbox; nothing here fakes an answer.
 */
import type { S3Client, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import type { Sandbox, Scenario, ScenarioAccount } from "../../src/sandbox/types.js";

export const MANAGEMENT = "111111111111";
export const PROD = "222222222222";
export const NO_ROLE = "333333333333";
export const WITH_EXTERNAL_ID = "444444444444";
export const SUSPENDED = "555555555555";
export const OUTSIDE = "999999999999";
export const ROLE = "OrganizationAccountAccessRole";

export const roleArn = (accountId: string, name = ROLE): string => `arn:aws:iam::${accountId}:role/${name}`;

/** Five member accounts in a two-level OU tree, one external account, a handful of buckets. */
export function smallScenario(extraAccounts: ScenarioAccount[] = []): Scenario {
  return {
    organization: { id: "o-test123456", managementAccountId: MANAGEMENT },
    auditRole: { name: ROLE, externalId: null },
    accounts: [
      { id: MANAGEMENT, name: "management", tags: { owner: "platform" }, buckets: [{ name: "mgmt-trail", region: "us-east-1", versioning: "Enabled" }] },
      {
        id: PROD,
        name: "prod",
        ou: "Workloads/Prod",
        tags: { env: "prod", team: "payments" },
        buckets: [{ name: "prod-data", region: "eu-west-1", versioning: "Enabled" }],
      },
      { id: NO_ROLE, name: "no-role", ou: "Workloads/Dev", auditRole: false },
      { id: WITH_EXTERNAL_ID, name: "partnered", ou: "Workloads", auditRole: { externalId: "audit-7f3a" } },
      { id: SUSPENDED, name: "old", ou: "Suspended", status: "SUSPENDED" },
      ...extraAccounts,
    ],
    externalAccounts: [{ id: OUTSIDE, name: "partner", buckets: [{ name: "partner-bucket", region: "eu-west-1" }] }],
  };
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Client settings for the sandbox; `maxAttempts: 1` so an error is seen as the server sent it. */
export const clientConfig = (sandbox: Sandbox, credentials: Credentials = sandbox.credentials) => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  credentials,
  maxAttempts: 1,
});

/** Runs a promise that must fail and returns the SDK error (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; $fault?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The HTTP request as the SDK is about to send it, after signing. */
export interface SignedRequest {
  hostname: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Changes each request after the SDK signed it (to send what a signer would not). */
export function afterSigning(client: S3Client, change: (request: SignedRequest) => void): void {
  const middleware: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    change(args.request as SignedRequest);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(middleware, { relation: "after", toMiddleware: "httpSigningMiddleware" });
}
