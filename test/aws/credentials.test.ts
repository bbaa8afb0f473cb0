import { describe, expect, it, vi } from "vitest";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { AwsClientFactory, assumeRoleCredentials, cachedCredentials, roleArn, ROLE_SESSION_NAME } from "../../src/aws/index.js";
import { FixSession } from "../../src/fix/session.js";
import { handedOverCredentials } from "../../src/scan/workers.js";
import { callsOf, scanSandbox, withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

function countingProvider(expiresInMs: number) {
  let calls = 0;
  const provider = async (): Promise<AwsCredentialIdentity> => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { accessKeyId: `AKIA${calls}`, secretAccessKey: "s", expiration: new Date(Date.now() + expiresInMs) };
  };
  return { provider, calls: () => calls };
}

describe("aws/cachedCredentials", () => {
  it("resolves once for concurrent callers and reuses the credentials while they are fresh", async () => {
    const source = countingProvider(60 * 60_000);
    const cached = cachedCredentials(source.provider);
    const all = await Promise.all([cached(), cached(), cached()]);
    expect(source.calls()).toBe(1);
    expect(new Set(all.map((c) => c.accessKeyId))).toEqual(new Set(["AKIA1"]));
    expect((await cached()).accessKeyId).toBe("AKIA1");
    expect(source.calls()).toBe(1);
  });

  it("refreshes credentials that expire within five minutes", async () => {
    const source = countingProvider(4 * 60_000);
    const cached = cachedCredentials(source.provider);
    await cached();
    expect((await cached()).accessKeyId).toBe("AKIA2");
    expect(source.calls()).toBe(2);
  });

  it("retries after a failed resolution instead of caching the failure", async () => {
    let attempt = 0;
    const cached = cachedCredentials(async () => {
      attempt++;
      if (attempt === 1) throw new Error("boom");
      return { accessKeyId: "AKIAOK", secretAccessKey: "s" };
    });
    await expect(cached()).rejects.toThrow("boom");
    expect((await cached()).accessKeyId).toBe("AKIAOK");
  });
});

describe("aws/assumeRoleCredentials", () => {
  it("assumes each account's role once per scan, shared by every regional client, with a replguard session name", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      // 111 (denied, falls back), 222 (two regions), 333, 555, 777 (denied): one AssumeRole each.
      expect(callsOf(sandbox, "AssumeRole")).toHaveLength(5);
      expect(new Set(result.buckets.filter((b) => b.account.id === ACCOUNTS.prod).map((b) => b.region))).toEqual(new Set(["us-east-1", "us-west-2"]));
      expect(sandbox.calls.filter((c) => c.service === "s3" && c.account === ACCOUNTS.prod).length).toBeGreaterThan(5);
      const sessions = [...sandbox.world.keys.values()].map((k) => k.principalArn).filter((arn) => arn.includes(":assumed-role/"));
      expect(sessions.sort()).toEqual(
        [ACCOUNTS.prod, ACCOUNTS.backup, ACCOUNTS.dev].map((id) => `arn:aws:sts::${id}:assumed-role/OrganizationAccountAccessRole/${ROLE_SESSION_NAME}`),
      );
    });
  });

  it("sends every account's AssumeRole on one STS client, with the same credentials and errors as the SDK's provider", async () => {
    await withSandbox(async (sandbox) => {
      const sends = vi.spyOn(STSClient.prototype, "send");
      try {
        await scanSandbox(sandbox);
        const clients = new Set(sends.mock.contexts.filter((_, i) => sends.mock.calls[i]![0] instanceof AssumeRoleCommand));
        expect(callsOf(sandbox, "AssumeRole")).toHaveLength(5);
        expect(clients.size).toBe(1);
      } finally {
        sends.mockRestore();
      }
      // One STS client, or the SDK's own provider (fromTemporaryCredentials): the same answer, the same refusal.
      const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 4 });
      try {
        const masterCredentials = () => Promise.resolve(sandbox.credentials);
        const sts = new STSClient({ ...factory.stsConfig(), credentials: masterCredentials });
        const outcome = (accountId: string, shared: boolean) =>
          assumeRoleCredentials({ accountId, roleName: "OrganizationAccountAccessRole", masterCredentials, stsConfig: factory.stsConfig(), ...(shared ? { sts } : {}) })().then(
            ({ accessKeyId, secretAccessKey, sessionToken, expiration, credentialScope }) => ({ ok: { prefix: accessKeyId.slice(0, 4), secret: typeof secretAccessKey, token: typeof sessionToken, expires: expiration instanceof Date, credentialScope } }),
            (error: Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }) => ({ error: [error.name, error.message, error.$fault, error.$metadata?.httpStatusCode] }),
          );
        for (const account of [ACCOUNTS.prod, ACCOUNTS.noRole]) expect(await outcome(account, true), account).toEqual(await outcome(account, false));
        expect(await outcome(ACCOUNTS.prod, true)).toMatchObject({ ok: { expires: true } });
        expect(await outcome(ACCOUNTS.noRole, true)).toMatchObject({ error: ["AccessDenied", expect.any(String), "client", 403] });
      } finally {
        factory.close();
      }
    });
  });

  it("sends a fix session's AssumeRoles, and a worker-scanned account's refresh, on one STS client", async () => {
    await withSandbox(async (sandbox) => {
      const sends = vi.spyOn(STSClient.prototype, "send");
      const fix = new FixSession({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, roleName: "OrganizationAccountAccessRole" });
      const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: 4 });
      try {
        const assumeRoleClients = () => new Set(sends.mock.contexts.filter((_, i) => sends.mock.calls[i]![0] instanceof AssumeRoleCommand));
        // The fix session: one client for both accounts' AssumeRole (their credentials resolved by a first call each).
        for (const account of [ACCOUNTS.prod, ACCOUNTS.dev]) await fix.s3(account, "us-east-1").config.credentials();
        expect(callsOf(sandbox, "AssumeRole")).toHaveLength(2);
        expect(assumeRoleClients().size).toBe(1);
        // A worker's session about to expire: the main thread assumes the role again, every account on the scan's one client.
        sends.mockClear();
        const ctx = { factory, caller: { accountId: sandbox.managementAccountId, credentials: () => Promise.resolve(sandbox.credentials) }, roleName: "OrganizationAccountAccessRole", externalId: undefined };
        const expiring = { accessKeyId: "AKIAOLD", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 60_000) };
        for (const account of [ACCOUNTS.prod, ACCOUNTS.dev]) {
          const refreshed = await handedOverCredentials(ctx, account, { access: "assumed-role", credentials: expiring })();
          expect(refreshed.accessKeyId).not.toBe("AKIAOLD");
        }
        expect(callsOf(sandbox, "AssumeRole")).toHaveLength(4);
        expect(assumeRoleClients().size).toBe(1);
      } finally {
        sends.mockRestore();
        fix.close();
        factory.close();
      }
    });
  });

  it("builds the audit role ARN from the account and role name", () => {
    expect(roleArn(ACCOUNTS.prod, "OrganizationAccountAccessRole")).toBe("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole");
  });
});
