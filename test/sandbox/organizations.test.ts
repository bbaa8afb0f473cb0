import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  paginateListAccounts,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox, ScenarioAccount } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { clientConfig, failure, roleArn } from "../support/sandbox.js";
import { smallScenario } from "../support/scenarios/small.js";

/** 40 more accounts so listings need more than two pages of 20. */
const extra: ScenarioAccount[] = Array.from({ length: 40 }, (_, i) => ({ id: String(800000000000 + i), name: `extra-${i}`, ou: "Sandbox" }));

describe("sandbox/organizations", () => {
  let sandbox: Sandbox;
  let org: OrganizationsClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: smallScenario(extra) });
    org = new OrganizationsClient(clientConfig(sandbox));
  });
  afterAll(() => sandbox.close());

  it("pages ListAccounts by 20 with NextToken and lists every member once", async () => {
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: org, pageSize: 20 }, {})) {
      pages.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id!));
    }
    expect(pages).toEqual([20, 20, 5]);
    expect(new Set(ids).size).toBe(45);
    expect(ids).not.toContain(ACCOUNTS.external);
  });

  it("describes accounts with ARNs, status and a JoinedTimestamp date", async () => {
    const { Accounts } = await org.send(new ListAccountsCommand({ MaxResults: 5 }));
    const prod = Accounts?.find((a) => a.Id === ACCOUNTS.prod);
    expect(prod).toMatchObject({ Name: "prod", Status: "ACTIVE", Arn: `arn:aws:organizations::${ACCOUNTS.management}:account/o-test123456/${ACCOUNTS.prod}` });
    expect(prod?.JoinedTimestamp).toBeInstanceOf(Date);
    expect(Accounts?.find((a) => a.Name === "old")?.Status).toBe("SUSPENDED");
  });

  it("answers InvalidInputException for MaxResults above 20 or a foreign NextToken", async () => {
    const tooMany = await failure(org.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect([tooMany.name, tooMany.$metadata.httpStatusCode]).toEqual(["InvalidInputException", 400]);
    const badToken = await failure(org.send(new ListAccountsCommand({ NextToken: "bm90LWEtdG9rZW4=" })));
    expect(badToken.name).toBe("InvalidInputException");
  });

  it("builds the OU tree from the accounts' ou paths", async () => {
    const { Roots } = await org.send(new ListRootsCommand({}));
    const rootId = Roots![0]!.Id!;
    expect(rootId).toMatch(/^r-[0-9a-z]{4}$/);
    const top = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }));
    expect(top.OrganizationalUnits?.map((ou) => ou.Name).sort()).toEqual(["Sandbox", "Suspended", "Workloads"]);
    const workloads = top.OrganizationalUnits!.find((ou) => ou.Name === "Workloads")!;
    expect(workloads.Id).toMatch(new RegExp(`^ou-${rootId.slice(2)}-[a-z0-9]{8}$`));
    const nested = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: workloads.Id! }));
    expect(nested.OrganizationalUnits?.map((ou) => ou.Name).sort()).toEqual(["Dev", "Prod"]);
    const prodOu = nested.OrganizationalUnits!.find((ou) => ou.Name === "Prod")!;
    const inProd = await org.send(new ListAccountsForParentCommand({ ParentId: prodOu.Id! }));
    expect(inProd.Accounts?.map((a) => a.Id)).toEqual([ACCOUNTS.prod]);
    const atRoot = await org.send(new ListAccountsForParentCommand({ ParentId: rootId }));
    expect(atRoot.Accounts?.map((a) => a.Id)).toEqual([ACCOUNTS.management]);

    const parentsOfProd = await org.send(new ListParentsCommand({ ChildId: ACCOUNTS.prod }));
    expect(parentsOfProd.Parents).toEqual([{ Id: prodOu.Id, Type: "ORGANIZATIONAL_UNIT" }]);
    const parentsOfWorkloads = await org.send(new ListParentsCommand({ ChildId: workloads.Id! }));
    expect(parentsOfWorkloads.Parents).toEqual([{ Id: rootId, Type: "ROOT" }]);
  });

  it("lists an account's tags", async () => {
    const { Tags } = await org.send(new ListTagsForResourceCommand({ ResourceId: ACCOUNTS.prod }));
    expect(Tags).toEqual([
      { Key: "env", Value: "prod" },
      { Key: "team", Value: "payments" },
    ]);
  });

  it("describes one account with DescribeAccount, and answers AccountNotFoundException for a non-member", async () => {
    const out = await org.send(new DescribeAccountCommand({ AccountId: ACCOUNTS.prod }));
    expect(out.Account).toMatchObject({ Id: ACCOUNTS.prod, Name: "prod", Status: "ACTIVE", Arn: `arn:aws:organizations::${ACCOUNTS.management}:account/o-test123456/${ACCOUNTS.prod}` });
    expect(out.Account?.JoinedTimestamp).toBeInstanceOf(Date);
    const outside = await failure(org.send(new DescribeAccountCommand({ AccountId: ACCOUNTS.external })));
    expect([outside.name, outside.$metadata.httpStatusCode]).toEqual(["AccountNotFoundException", 400]);
    const malformed = await failure(org.send(new DescribeAccountCommand({ AccountId: "12" })));
    expect(malformed.name).toBe("InvalidInputException");
  });

  it("answers the documented not-found errors for unknown ids", async () => {
    const parent = await failure(org.send(new ListAccountsForParentCommand({ ParentId: "ou-zzzz-zzzzzzzz" })));
    expect([parent.name, parent.$metadata.httpStatusCode]).toEqual(["ParentNotFoundException", 400]);
    const child = await failure(org.send(new ListParentsCommand({ ChildId: ACCOUNTS.external })));
    expect(child.name).toBe("ChildNotFoundException");
    const target = await failure(org.send(new ListTagsForResourceCommand({ ResourceId: "123456789012" })));
    expect(target.name).toBe("TargetNotFoundException");
    const pattern = await failure(org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: "not-an-id" })));
    expect(pattern.name).toBe("InvalidInputException");
  });

  it("denies member accounts the listings but lets them describe the organization", async () => {
    const { Credentials } = await new STSClient(clientConfig(sandbox)).send(new AssumeRoleCommand({ RoleArn: roleArn(ACCOUNTS.prod), RoleSessionName: "member" }));
    const member = new OrganizationsClient(
      clientConfig(sandbox, { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! }),
    );
    const denied = await failure(member.send(new ListAccountsCommand({})));
    expect([denied.name, denied.$metadata.httpStatusCode, denied.message]).toEqual([
      "AccessDeniedException",
      400,
      "You don't have permissions to access this resource.",
    ]);
    // "This operation can be called from any account in the organization." (DescribeOrganization)
    const described = await member.send(new DescribeOrganizationCommand({}));
    expect(described.Organization).toMatchObject({ Id: "o-test123456", MasterAccountId: ACCOUNTS.management, FeatureSet: "ALL" });
    expect(sandbox.calls.at(-2)).toMatchObject({ service: "organizations", operation: "ListAccounts", account: ACCOUNTS.prod, status: 400 });
  });
});
