import { describe, expect, it } from "vitest";
import { CredentialsError } from "../../src/errors.js";
import type { ScanProgress } from "../../src/scan/index.js";
import { testScenario } from "../support/scenarios/scan.js";
import { bucket, callsOf, scanSandbox, withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

describe("scan/scan", () => {
  it("scans every in-scope account, keeps out-of-scope ones as records, and counts coverage", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { excludeAccounts: [ACCOUNTS.dev] });
      const account = (id: string) => result.accounts.find((a) => a.id === id);
      expect(account(ACCOUNTS.prod)).toMatchObject({ scope: "in-scope", scan: "scanned", access: "assumed-role", bucketCount: 5 });
      expect(account(ACCOUNTS.dev)).toMatchObject({ scope: "excluded", scan: "not-scanned", scopeReason: "listed in --exclude-accounts" });
      expect(account(ACCOUNTS.suspended)).toMatchObject({ scope: "suspended", scan: "not-scanned", status: "SUSPENDED" });
      expect(result.buckets.map((b) => b.name)).not.toContain("closed-bucket");
      expect(result.coverage).toEqual({
        accounts: { total: 6, inScope: 4, scanned: 3, failed: 1, outOfScope: 2 },
        buckets: { inScope: 7, scanned: 6, partial: 1 },
        complete: false,
      });
      expect(result.scan).toMatchObject({ mode: "organization", callerAccountId: ACCOUNTS.management, organizationId: "o-scantest01", endpoint: sandbox.endpoint });
      expect(Date.parse(result.scan.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.scan.startedAt));
    });
  });

  it("records a missing audit role as a failed account with the AssumeRole error, and goes on", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      const noRole = result.accounts.find((a) => a.id === ACCOUNTS.noRole);
      expect(noRole).toMatchObject({ scan: "failed", access: null, bucketCount: 0 });
      expect(noRole?.errors).toEqual([{ operation: "AssumeRole", code: "AccessDenied", message: expect.stringContaining(ACCOUNTS.noRole) as string }]);
      expect(result.buckets.some((b) => b.account.id === ACCOUNTS.prod)).toBe(true);
      expect(callsOf(sandbox, "ListBuckets").some((c) => c.account === ACCOUNTS.noRole)).toBe(false);
    });
  });

  it("scans the management account with the caller's own credentials when the role does not exist there", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox);
      expect(result.accounts.find((a) => a.id === ACCOUNTS.management)).toMatchObject({ scan: "scanned", access: "caller", errors: [] });
      expect(bucket(result, "mgmt-trail").account).toEqual({ id: ACCOUNTS.management, name: "management", ouPath: "Root", tags: { owner: "platform" } });
      expect(callsOf(sandbox, "ListBuckets").filter((c) => c.account === ACCOUNTS.management)).toHaveLength(1);
    });
  });

  it("assumes the role with the external id when the role requires one", async () => {
    const scenario = testScenario();
    scenario.auditRole = { name: "OrganizationAccountAccessRole", externalId: "audit-2026" };
    await withSandbox(async (sandbox) => {
      const without = await scanSandbox(sandbox, { accounts: [ACCOUNTS.backup] });
      expect(without.accounts.find((a) => a.id === ACCOUNTS.backup)?.scan).toBe("failed");
      const withId = await scanSandbox(sandbox, { accounts: [ACCOUNTS.backup], externalId: "audit-2026" });
      expect(withId.accounts.find((a) => a.id === ACCOUNTS.backup)).toMatchObject({ scan: "scanned", access: "assumed-role" });
    }, scenario);
  });

  it("scans only the caller's account with --single-account, without Organizations or AssumeRole", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { singleAccount: true });
      expect(result.accounts).toHaveLength(1);
      expect(result.accounts[0]).toMatchObject({ id: ACCOUNTS.management, scan: "scanned", access: "caller" });
      expect(result.buckets.map((b) => b.name)).toEqual(["mgmt-trail"]);
      expect(result.scan).toMatchObject({ mode: "single-account", organizationId: null });
      expect(sandbox.calls.filter((c) => c.service === "organizations" || c.operation === "AssumeRole")).toEqual([]);
    });
  });

  it("keeps only buckets in --regions", async () => {
    await withSandbox(async (sandbox) => {
      const result = await scanSandbox(sandbox, { accounts: [ACCOUNTS.prod], regions: ["us-west-2"] });
      expect(result.buckets.map((b) => b.name).sort()).toEqual(["prod-data-copy", "prod-unversioned"]);
      expect(callsOf(sandbox, "GetBucketVersioning").map((c) => c.bucket).sort()).toEqual(["prod-data-copy", "prod-unversioned"]);
    });
  });

  it("issues no mutating call", async () => {
    await withSandbox(async (sandbox) => {
      await scanSandbox(sandbox, { facts: { all: ["versioning", "replication", "objectLock", "encryption", "tags"], destinations: [] } });
      expect(sandbox.calls.length).toBeGreaterThan(20);
      expect(sandbox.calls.filter((c) => c.mutating)).toEqual([]);
      const allowed = /^(List|Get|Head|Describe|AssumeRole$)/;
      expect(sandbox.calls.map((c) => c.operation).filter((op) => !allowed.test(op))).toEqual([]);
    });
  });

  it("reports progress up to every in-scope account and bucket done", async () => {
    const events: ScanProgress[] = [];
    await withSandbox((sandbox) => scanSandbox(sandbox, { onProgress: (p) => events.push(p) }));
    const last = events.at(-1);
    expect(last).toMatchObject({ phase: "done", accounts: { done: 5, total: 5 }, buckets: { done: 8, discovered: 8 } });
    expect(last?.errors).toBe(2); // the AssumeRole failure and the denied GetBucketReplication
    expect(events.some((p) => p.phase === "accounts" && p.buckets.done < p.buckets.discovered)).toBe(true);
  });

  it("raises CredentialsError when AWS rejects the caller's credentials", async () => {
    const error = await withSandbox((sandbox) =>
      scanSandbox(sandbox, { credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "wrong" } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).location.operation).toBe("GetCallerIdentity");
  });
});
