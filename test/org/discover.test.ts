import { describe, expect, it } from "vitest";
import { AwsClientFactory, createRequestLimiter, cachedCredentials } from "../../src/aws/index.js";
import { OrganizationAccessError, UsageError } from "../../src/errors.js";
import { discoverOrganization, scopeAccounts, type Organization } from "../../src/org/index.js";
import { derivedCredentials, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { callsOf, withSandbox } from "../support/scan.js";

async function discover(sandbox: Sandbox, credentials = sandbox.credentials): Promise<Organization> {
  const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 3, maxSockets: 8 });
  try {
    return await discoverOrganization(factory.organizations(cachedCredentials(credentials)), createRequestLimiter(8));
  } finally {
    factory.close();
  }
}

const inScope = (org: Organization, filters: Parameters<typeof scopeAccounts>[1]) =>
  [...scopeAccounts(org, filters)].filter(([, d]) => d.scope === "in-scope").map(([id]) => id).sort();

describe("org/discoverOrganization", () => {
  it("lists every account with its OU path from the root, its status and its tags", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(org.id).toBe("o-scantest01");
    expect(org.managementAccountId).toBe(ACCOUNTS.management);
    const byId = new Map(org.accounts.map((a) => [a.id, a]));
    expect([...byId.keys()]).toEqual([ACCOUNTS.management, ACCOUNTS.prod, ACCOUNTS.backup, ACCOUNTS.dev, ACCOUNTS.suspended, ACCOUNTS.noRole]);
    expect(byId.get(ACCOUNTS.management)).toMatchObject({ name: "management", ouPath: "Root", tags: { owner: "platform" } });
    expect(byId.get(ACCOUNTS.prod)).toMatchObject({ ouPath: "Root/Workloads/Prod", tags: { env: "prod" }, status: "ACTIVE" });
    expect(byId.get(ACCOUNTS.backup)?.ouPath).toBe("Root/Workloads/Backup");
    expect(byId.get(ACCOUNTS.suspended)?.status).toBe("SUSPENDED");
    expect(byId.get(ACCOUNTS.noRole)?.ouPath).toBe("Root/Workloads");
  });

  it("finds OU paths by walking the tree, with no ListParents call per account", async () => {
    await withSandbox(async (sandbox) => {
      await discover(sandbox);
      expect(callsOf(sandbox, "ListParents")).toHaveLength(0);
      // Root, Workloads, Workloads/Prod, Workloads/Backup, Sandbox: one call of each kind per node.
      expect(callsOf(sandbox, "ListOrganizationalUnitsForParent")).toHaveLength(5);
      expect(callsOf(sandbox, "ListAccountsForParent")).toHaveLength(5);
      expect(callsOf(sandbox, "ListAccounts")).toHaveLength(1);
    });
  });

  it("raises OrganizationAccessError when the caller may not read the organization", async () => {
    const error = await withSandbox((sandbox) => discover(sandbox, derivedCredentials(ACCOUNTS.prod))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrganizationAccessError);
    // A member account may describe its organization (as in AWS) but not list it.
    expect((error as OrganizationAccessError).location).toMatchObject({ operation: "ListRoots", code: "AccessDeniedException" });
    expect((error as Error).message).toMatch(/management account/);
  });
});

describe("org/scopeAccounts", () => {
  it("keeps an OU and every OU under it in scope, given as a path without or with Root, or as an id", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(inScope(org, { ous: ["Workloads"] })).toEqual([ACCOUNTS.prod, ACCOUNTS.backup, ACCOUNTS.noRole]);
    expect(inScope(org, { ous: ["Root/Workloads/Prod"] })).toEqual([ACCOUNTS.prod]);
    const prodId = [...org.units.values()].find((u) => u.path === "Root/Workloads/Prod")?.id ?? "";
    expect(inScope(org, { ous: [prodId] })).toEqual([ACCOUNTS.prod]);
    expect(scopeAccounts(org, { ous: ["Workloads"] }).get(ACCOUNTS.dev)).toEqual({ scope: "excluded", scopeReason: "not under --ou Workloads" });
  });

  it("applies --accounts and --exclude-accounts, and marks SUSPENDED accounts out of scope even when listed", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    const scopes = scopeAccounts(org, { accounts: [ACCOUNTS.prod, ACCOUNTS.backup, ACCOUNTS.suspended], excludeAccounts: [ACCOUNTS.backup] });
    expect(scopes.get(ACCOUNTS.prod)?.scope).toBe("in-scope");
    expect(scopes.get(ACCOUNTS.backup)).toEqual({ scope: "excluded", scopeReason: "listed in --exclude-accounts" });
    expect(scopes.get(ACCOUNTS.management)).toEqual({ scope: "excluded", scopeReason: "not listed in --accounts" });
    expect(scopes.get(ACCOUNTS.suspended)).toEqual({ scope: "suspended", scopeReason: "account status is SUSPENDED" });
  });

  it("rejects an --accounts id that is not a member of the organization", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(() => scopeAccounts(org, { accounts: [ACCOUNTS.prod, ACCOUNTS.external] })).toThrow(
      `--accounts names ${ACCOUNTS.external}, not an account of organization o-scantest01`,
    );
  });

  it("rejects an --ou that names no organizational unit", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(() => scopeAccounts(org, { ous: ["Workloads/Staging"] })).toThrow(UsageError);
    expect(() => scopeAccounts(org, { ous: ["Workloads/Staging"] })).toThrow(/Known OUs: Root, Root\/Sandbox, Root\/Workloads/);
  });
});
