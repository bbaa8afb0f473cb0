/**
 * The STS and Organizations half of test/sandbox/conformance.test.ts (registered from there, inside
 * its describe, so it shares the servers): the same calls to the sandbox and to moto, answers
 * compared after replacing generated ids by symbolic names and checking their formats.
 */
import * as org from "@aws-sdk/client-organizations";
import * as sts from "@aws-sdk/client-sts";
import { beforeAll, describe, expect, it } from "vitest";
import { answerOf, organizationsFor, stsFor, type LoopbackTarget } from "./aws-clients.js";
import { knownDifferenceTitle, type Answer, type Harness, type Side } from "./harness.js";
import { AUDIT_ROLE_NAME, MANAGEMENT_ACCOUNT_ID, MEMBER_ACCOUNT_ID, WORLD_ACCOUNTS } from "./world.js";
import { FORMATS, isDate, matches, normalise, sortedBy, token, without } from "./normalise-aws.js";
import { listAllAccounts, symbolicIds, walkOrganization, type OrgIds } from "./org-walk.js";

const SESSION = "conformance";
const MEMBER_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT_ID}:role/${AUDIT_ROLE_NAME}`;
const ASSUMED_ARN = `arn:aws:sts::${MEMBER_ACCOUNT_ID}:assumed-role/${AUDIT_ROLE_NAME}/${SESSION}`;
const ORG_ARN_PREFIX = `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:`;
const ORGANIZATIONS_ARN = new RegExp(`^${ORG_ARN_PREFIX}(organization|root|ou|account)/o-[a-z0-9]{10,32}(/\\S+)?$`);

/** Temporary credentials: format only, and an Expiration about `seconds` from now. */
const credentialsShape = (seconds: number) => (value: unknown) => {
  const credentials = value as sts.Credentials;
  const expiresIn = isDate(credentials.Expiration) ? (credentials.Expiration.getTime() - Date.now()) / 1000 : NaN;
  return {
    AccessKeyId: token("temporary access key id", matches(FORMATS.temporaryAccessKeyId), credentials.AccessKeyId),
    SecretAccessKey: token("secret", matches(/^\S{16,}$/), credentials.SecretAccessKey),
    SessionToken: token("session token", matches(/^\S{16,}$/), credentials.SessionToken),
    Expiration: Math.abs(expiresIn - seconds) < 120 ? `<now + ${seconds}s>` : `<expires in ${expiresIn}s>`,
  };
};
const roleSessionId = (value: unknown) => token("role id:session", matches(new RegExp(`^AROA[A-Z0-9]+:${SESSION}$`)), value);

export function describeStsAndOrganizationsConformance(harness: Harness): void {
  const { both, expectBoth } = harness;

  describe("STS", () => {
    it("answers GetCallerIdentity for the management account's own keys", async () => {
      await expectBoth((t) => stsFor(t).send(new sts.GetCallerIdentityCommand({})), {
        UserId: "<user id>",
        Account: MANAGEMENT_ACCOUNT_ID,
        Arn: "<principal of the management account>",
      }, (answer) => normalise(answer, {
        UserId: (value) => token("user id", matches(/^[\w+=,.@:-]{2,}$/), value),
        Arn: (value) => token("principal of the management account", matches(new RegExp(`^arn:aws:(iam|sts)::${MANAGEMENT_ACCOUNT_ID}:\\S+$`)), value),
      }));
    });

    it("answers AssumeRole of the audit role with temporary credentials that act as the member account", async () => {
      const answers = await both((t) =>
        stsFor(t).send(new sts.AssumeRoleCommand({ RoleArn: MEMBER_ROLE_ARN, RoleSessionName: SESSION, DurationSeconds: 900 })),
      );
      // PackedPolicySize is only meaningful when session policies or tags are passed (none here).
      const shape = (answer: Answer) =>
        normalise({ ...answer, PackedPolicySize: undefined }, { Credentials: credentialsShape(900), AssumedRoleId: roleSessionId });
      const expected = {
        Credentials: {
          AccessKeyId: "<temporary access key id>",
          SecretAccessKey: "<secret>",
          SessionToken: "<session token>",
          Expiration: "<now + 900s>",
        },
        AssumedRoleUser: { AssumedRoleId: "<role id:session>", Arn: ASSUMED_ARN },
        PackedPolicySize: undefined,
      };
      expect({ sandbox: shape(answers.sandbox), moto: shape(answers.moto) }).toEqual({ sandbox: expected, moto: expected });

      const identity = async (side: Side) => {
        const credentials = (answers[side] as sts.AssumeRoleResponse).Credentials;
        const assumed: LoopbackTarget = {
          endpoint: harness.target[side].endpoint,
          credentials: {
            accessKeyId: credentials?.AccessKeyId ?? "",
            secretAccessKey: credentials?.SecretAccessKey ?? "",
            sessionToken: credentials?.SessionToken ?? "",
          },
        };
        return normalise(await answerOf(stsFor(assumed).send(new sts.GetCallerIdentityCommand({}))), { UserId: roleSessionId });
      };
      const expectedIdentity = { UserId: "<role id:session>", Account: MEMBER_ACCOUNT_ID, Arn: ASSUMED_ARN };
      expect({ sandbox: await identity("sandbox"), moto: await identity("moto") }).toEqual({ sandbox: expectedIdentity, moto: expectedIdentity });
    });

    it(knownDifferenceTitle("assume-role-needs-role"), async () => {
      const RoleArn = `arn:aws:iam::${MEMBER_ACCOUNT_ID}:role/DoesNotExist`;
      const answers = await both((t) => stsFor(t).send(new sts.AssumeRoleCommand({ RoleArn, RoleSessionName: SESSION })));
      expect(answers.sandbox).toEqual({ error: "AccessDenied", status: 403 });
      expect(answers.moto).toHaveProperty("Credentials");
    });
  });

  describe("Organizations", () => {
    const ids = {} as Record<Side, OrgIds>;
    beforeAll(async () => {
      ids.sandbox = await walkOrganization(organizationsFor(harness.target.sandbox));
      ids.moto = await walkOrganization(organizationsFor(harness.target.moto));
    });
    /** Answers with generated ids replaced by symbolic names, ARNs checked against them, timestamps by format. */
    const symbolic = (side: Side) => (answer: Answer) => {
      const orgId = (answer as { Organization?: { Id?: string } }).Organization?.Id;
      return symbolicIds(ids[side])(
        normalise(answer, {
          JoinedTimestamp: (value) => token("date", isDate, value),
          // The scenario does not say how an account joined: the sandbox lists the management account as INVITED, moto as CREATED.
          JoinedMethod: (value) => token("CREATED|INVITED", matches(/^(CREATED|INVITED)$/), value),
          Arn: (value) => token("organizations ARN", matches(ORGANIZATIONS_ARN), value),
          // A wrong value is kept as is, so the comparison with the other side shows it.
          MasterAccountArn: (value) =>
            value === `${ORG_ARN_PREFIX}account/${orgId}/${MANAGEMENT_ACCOUNT_ID}` ? "<management account ARN>" : value,
          Id: (value) =>
            orgId !== undefined && value === orgId ? token("organization id", matches(FORMATS.organizationId), value) : value,
        }),
      );
    };
    const call = (send: (client: org.OrganizationsClient, side: Side) => Promise<object>) => async () => {
      const [sandbox, moto] = await Promise.all(
        (["sandbox", "moto"] as const).map(async (side) => symbolic(side)(await answerOf(send(organizationsFor(harness.target[side]), side)))),
      );
      return { sandbox, moto };
    };
    const expectSame = async (answers: Promise<Record<Side, unknown>>, expected: unknown) =>
      expect(await answers).toEqual({ sandbox: expected, moto: expected });

    it("discovers the same tree: generated ids have the documented formats", () => {
      for (const side of ["sandbox", "moto"] as const) {
        expect(ids[side].rootId).toMatch(FORMATS.rootId);
        expect(Object.keys(ids[side].ous).sort()).toEqual(["Workloads", "Workloads/Prod"]);
        for (const ouId of Object.values(ids[side].ous)) expect(ouId).toMatch(FORMATS.ouId);
        expect(Object.keys(ids[side].accounts).sort()).toEqual(WORLD_ACCOUNTS.map((account) => account.name).sort());
      }
      expect(ids.sandbox.accounts.master).toBe(MANAGEMENT_ACCOUNT_ID);
      expect(ids.moto.accounts.master).toBe(MANAGEMENT_ACCOUNT_ID);
    });

    it("answers DescribeOrganization", async () => {
      const answers = await call((client) => client.send(new org.DescribeOrganizationCommand({})))();
      expect(answers.sandbox).toEqual(answers.moto);
      expect(answers.sandbox).toMatchObject({
        Organization: { Id: "<organization id>", Arn: "<organizations ARN>", FeatureSet: "ALL", MasterAccountId: "<account:master>" },
      });
    });

    it("answers ListRoots (policy types compared in list-roots-policy-types)", async () => {
      const roots = await call((client) => client.send(new org.ListRootsCommand({})))();
      const withoutPolicyTypes = (answer: unknown) => ({ Roots: (answer as org.ListRootsResponse).Roots?.map((root) => without(root, "PolicyTypes")) });
      const expected = { Roots: [{ Id: "<root>", Arn: "<organizations ARN>", Name: "Root" }] };
      expect({ sandbox: withoutPolicyTypes(roots.sandbox), moto: withoutPolicyTypes(roots.moto) }).toEqual({ sandbox: expected, moto: expected });
    });

    it(knownDifferenceTitle("list-roots-policy-types"), async () => {
      const roots = await call((client) => client.send(new org.ListRootsCommand({})))();
      const policyTypes = (answer: unknown) => (answer as org.ListRootsResponse).Roots?.[0]?.PolicyTypes;
      expect(policyTypes(roots.sandbox)).toEqual([{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }]);
      expect(policyTypes(roots.moto)).toEqual([]);
    });

    it("answers ListOrganizationalUnitsForParent at each level", async () => {
      const children = (parent: (side: Side) => string) =>
        call((client, side) => client.send(new org.ListOrganizationalUnitsForParentCommand({ ParentId: parent(side) })))();
      const ou = (path: string, Name: string) => ({ Id: `<ou:${path}>`, Arn: "<organizations ARN>", Name });
      await expectSame(children((side) => ids[side].rootId), { OrganizationalUnits: [ou("Workloads", "Workloads")] });
      await expectSame(children((side) => ids[side].ous.Workloads ?? ""), { OrganizationalUnits: [ou("Workloads/Prod", "Prod")] });
      await expectSame(children((side) => ids[side].ous["Workloads/Prod"] ?? ""), { OrganizationalUnits: [] });
    });

    it("answers ListAccounts in pages of MaxResults with NextToken", async () => {
      const pages = async (side: Side) => {
        const { accounts, pageSizes } = await listAllAccounts(organizationsFor(harness.target[side]), 2);
        return { pageSizes, accounts: symbolic(side)({ Accounts: sortedBy(accounts, "Name") } as Answer) };
      };
      const [sandbox, moto] = [await pages("sandbox"), await pages("moto")];
      expect(sandbox).toEqual(moto);
      expect(sandbox.pageSizes).toEqual([2, 2, 2]);
      const prod = (sandbox.accounts as { Accounts: Record<string, unknown>[] }).Accounts.find((account) => account.Name === "prod");
      expect(prod).toMatchObject({ Id: "<account:prod>", Email: "prod@example.com", Status: "ACTIVE", JoinedTimestamp: "<date>" });
    });

    it(knownDifferenceTitle("list-accounts-max-results"), async () => {
      const answers = await both((t) => organizationsFor(t).send(new org.ListAccountsCommand({ MaxResults: 21 })));
      expect(answers.sandbox).toEqual({ error: "InvalidInputException", status: 400 });
      expect((answers.moto as org.ListAccountsResponse).Accounts).toHaveLength(WORLD_ACCOUNTS.length);
    });

    it("answers ListAccountsForParent for the root and each OU", async () => {
      const names = (parent: (side: Side) => string) =>
        call(async (client, side) => {
          const answer = await client.send(new org.ListAccountsForParentCommand({ ParentId: parent(side) }));
          return { Names: (answer.Accounts ?? []).map((account) => account.Name).sort() };
        })();
      await expectSame(names((side) => ids[side].rootId), { Names: ["master", "sandbox-a", "sandbox-b", "sandbox-c"] });
      await expectSame(names((side) => ids[side].ous.Workloads ?? ""), { Names: ["dev"] });
      await expectSame(names((side) => ids[side].ous["Workloads/Prod"] ?? ""), { Names: ["prod"] });
    });

    it("answers ListParents for an account and for an OU", async () => {
      const parents = (child: (side: Side) => string) =>
        call((client, side) => client.send(new org.ListParentsCommand({ ChildId: child(side) })))();
      await expectSame(parents((side) => ids[side].accounts.prod ?? ""), { Parents: [{ Id: "<ou:Workloads/Prod>", Type: "ORGANIZATIONAL_UNIT" }] });
      await expectSame(parents((side) => ids[side].ous["Workloads/Prod"] ?? ""), { Parents: [{ Id: "<ou:Workloads>", Type: "ORGANIZATIONAL_UNIT" }] });
      await expectSame(parents(() => MANAGEMENT_ACCOUNT_ID), { Parents: [{ Id: "<root>", Type: "ROOT" }] });
    });

    it("answers ListTagsForResource for accounts with and without tags", async () => {
      const tags = (name: string) =>
        call(async (client, side) => {
          const answer = await client.send(new org.ListTagsForResourceCommand({ ResourceId: ids[side].accounts[name] }));
          return { Tags: sortedBy(answer.Tags, "Key") };
        })();
      await expectSame(tags("prod"), { Tags: [{ Key: "env", Value: "prod" }, { Key: "team", Value: "payments" }] });
      await expectSame(tags("sandbox-a"), { Tags: [] });
    });

    it("answers TargetNotFoundException and ParentNotFoundException for unknown ids", async () => {
      await expectBoth((t) => organizationsFor(t).send(new org.ListTagsForResourceCommand({ ResourceId: "999999999999" })), {
        error: "TargetNotFoundException",
        status: 400,
      });
      await expectBoth((t) => organizationsFor(t).send(new org.ListOrganizationalUnitsForParentCommand({ ParentId: "ou-zzzz-zzzzzzzz" })), {
        error: "ParentNotFoundException",
        status: 400,
      });
    });

    it(knownDifferenceTitle("list-parents-child-not-found"), async () => {
      const answers = await both((t) => organizationsFor(t).send(new org.ListParentsCommand({ ChildId: "999999999999" })));
      expect(answers.sandbox).toEqual({ error: "ChildNotFoundException", status: 400 });
      expect(answers.moto).toEqual({ error: "AccountNotFoundException", status: 400 });
    });
  });
}
