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
    expect(org.managementAccountId).toBe("111111111111");
    const byId = new Map(org.accounts.map((a) => [a.id, a]));
    expect([...byId.keys()]).toEqual(["111111111111", "222222222222", "333333333333", "555555555555", "666666666666", "777777777777"]);
    expect(byId.get("111111111111")).toMatchObject({ name: "management", ouPath: "Root", tags: { owner: "platform" } });
    expect(byId.get("222222222222")).toMatchObject({ ouPath: "Root/Workloads/Prod", tags: { env: "prod" }, status: "ACTIVE" });
    expect(byId.get("333333333333")?.ouPath).toBe("Root/Workloads/Backup");
    expect(byId.get("666666666666")?.status).toBe("SUSPENDED");
    expect(byId.get("777777777777")?.ouPath).toBe("Root/Workloads");
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
    const error = await withSandbox((sandbox) => discover(sandbox, derivedCredentials("222222222222"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrganizationAccessError);
    // A member account may describe its organization (as in AWS) but not list it.
    expect((error as OrganizationAccessError).location).toMatchObject({ operation: "ListRoots", code: "AccessDeniedException" });
    expect((error as Error).message).toMatch(/management account/);
  });
});

describe("org/scopeAccounts", () => {
  it("keeps an OU and every OU under it in scope, given as a path without or with Root, or as an id", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(inScope(org, { ous: ["Workloads"] })).toEqual(["222222222222", "333333333333", "777777777777"]);
    expect(inScope(org, { ous: ["Root/Workloads/Prod"] })).toEqual(["222222222222"]);
    const prodId = [...org.units.values()].find((u) => u.path === "Root/Workloads/Prod")?.id ?? "";
    expect(inScope(org, { ous: [prodId] })).toEqual(["222222222222"]);
    expect(scopeAccounts(org, { ous: ["Workloads"] }).get("555555555555")).toEqual({ scope: "excluded", scopeReason: "not under --ou Workloads" });
  });

  it("applies --accounts and --exclude-accounts, and marks SUSPENDED accounts out of scope even when listed", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    const scopes = scopeAccounts(org, { accounts: ["222222222222", "333333333333", "666666666666"], excludeAccounts: ["333333333333"] });
    expect(scopes.get("222222222222")?.scope).toBe("in-scope");
    expect(scopes.get("333333333333")).toEqual({ scope: "excluded", scopeReason: "listed in --exclude-accounts" });
    expect(scopes.get("111111111111")).toEqual({ scope: "excluded", scopeReason: "not listed in --accounts" });
    expect(scopes.get("666666666666")).toEqual({ scope: "suspended", scopeReason: "account status is SUSPENDED" });
  });

  it("rejects an --accounts id that is not a member of the organization", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(() => scopeAccounts(org, { accounts: ["222222222222", ACCOUNTS.external] })).toThrow(
      `--accounts names ${ACCOUNTS.external}, not an account of organization o-scantest01`,
    );
  });

  it("rejects an --ou that names no organizational unit", async () => {
    const org = await withSandbox((sandbox) => discover(sandbox));
    expect(() => scopeAccounts(org, { ous: ["Workloads/Staging"] })).toThrow(UsageError);
    expect(() => scopeAccounts(org, { ous: ["Workloads/Staging"] })).toThrow(/Known OUs: Root, Root\/Sandbox, Root\/Workloads/);
  });
});
