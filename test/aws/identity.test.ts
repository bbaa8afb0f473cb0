import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialsError } from "../../src/errors.js";
import { scanSandbox, withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

const CREDENTIAL_ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
] as const;

describe("aws/callerCredentials", () => {
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    saved = Object.fromEntries(CREDENTIAL_ENV.map((k) => [k, process.env[k]]));
    for (const k of CREDENTIAL_ENV) delete process.env[k];
    // An empty home for the chain: no files, no instance metadata.
    const dir = mkdtempSync(join(tmpdir(), "replguard-creds-"));
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials");
    process.env.AWS_CONFIG_FILE = join(dir, "config");
    process.env.AWS_EC2_METADATA_DISABLED = "true";
  });
  afterEach(() => {
    for (const k of CREDENTIAL_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("takes the caller's credentials from the standard chain (environment)", async () => {
    await withSandbox(async (sandbox) => {
      process.env.AWS_ACCESS_KEY_ID = sandbox.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = sandbox.credentials.secretAccessKey;
      const result = await scanSandbox(sandbox, { credentials: undefined, singleAccount: true });
      expect(result.scan.callerAccountId).toBe(ACCOUNTS.management);
    });
  });

  it("takes them from a named profile", async () => {
    await withSandbox(async (sandbox) => {
      writeFileSync(
        process.env.AWS_SHARED_CREDENTIALS_FILE ?? "",
        `[auditor]\naws_access_key_id = ${sandbox.credentials.accessKeyId}\naws_secret_access_key = ${sandbox.credentials.secretAccessKey}\n`,
      );
      const result = await scanSandbox(sandbox, { credentials: undefined, profile: "auditor", singleAccount: true });
      expect(result.scan.callerAccountId).toBe(ACCOUNTS.management);
    });
  });

  it("raises CredentialsError with a clear message when no credentials can be found", async () => {
    const error = await withSandbox((sandbox) => scanSandbox(sandbox, { credentials: undefined, singleAccount: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(/^No AWS credentials found/);
  });
});
