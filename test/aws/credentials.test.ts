import { describe, expect, it } from "vitest";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { cachedCredentials, roleArn, ROLE_SESSION_NAME } from "../../src/aws/index.js";
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

  it("builds the audit role ARN from the account and role name", () => {
    expect(roleArn(ACCOUNTS.prod, "OrganizationAccountAccessRole")).toBe("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole");
  });
});
