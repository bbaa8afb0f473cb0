/**
 * Client settings and call helpers shared by the tests that talk to the sandbox. Clients are the
 * real AWS SDK v3 clients pointed at the sandbox; nothing here fakes an answer.
 */
import { S3Client, type ServiceInputTypes, type ServiceOutputTypes } from "@aws-sdk/client-s3";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { derivedCredentials, type Sandbox } from "../../src/sandbox/index.js";

export { roleArn } from "./accounts.js";

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Client settings for the sandbox; `maxAttempts: 1` so an error is seen as the server sent it. */
export const clientConfig = (sandbox: Sandbox, credentials: Credentials = sandbox.credentials) => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  credentials,
  maxAttempts: 1,
});

/** The SDK error as the tests read it: status, fault side, raw response headers, modeled fields. */
export type SdkError = Error & {
  $metadata: { httpStatusCode?: number };
  $fault?: string;
  $response?: { headers: Record<string, string> };
} & Record<string, unknown>;

/** Runs a promise that must fail and returns the SDK error (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The same as `failure`, under the name the S3 service tests use. */
export const errorOf = failure;

/** A path-style S3 client acting as `accountId` with its long-term keys, signing for `region`. */
export const s3As = (endpoint: string, accountId: string, region = "us-east-1"): S3Client =>
  new S3Client({ endpoint, region, credentials: derivedCredentials(accountId), forcePathStyle: true, maxAttempts: 1 });

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
