import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { clientConfig, failure, roleArn } from "../support/sandbox.js";
import { smallScenario } from "../support/scenarios/small.js";

const NOW = new Date("2026-06-01T12:00:00Z");

describe("sandbox/sts", () => {
  let sandbox: Sandbox;
  let sts: STSClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: smallScenario(), clock: () => NOW });
    sts = new STSClient(clientConfig(sandbox));
  });
  afterAll(() => sandbox.close());

  const assume = (accountId: string, extra: { ExternalId?: string; DurationSeconds?: number } = {}, client = sts) =>
    client.send(new AssumeRoleCommand({ RoleArn: roleArn(accountId), RoleSessionName: "replguard-audit", ...extra }));

  it("says who the management account's keys belong to", async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: ACCOUNTS.management, Arn: `arn:aws:iam::${ACCOUNTS.management}:root`, UserId: ACCOUNTS.management });
  });

  it("issues ASIA credentials that act as the target account, expiring after DurationSeconds", async () => {
    const result = await assume(ACCOUNTS.prod, { DurationSeconds: 1800 });
    expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(result.Credentials?.Expiration?.toISOString()).toBe("2026-06-01T12:30:00.000Z");
    expect(result.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNTS.prod}:assumed-role/OrganizationAccountAccessRole/replguard-audit`);
    const assumed = new STSClient(
      clientConfig(sandbox, {
        accessKeyId: result.Credentials!.AccessKeyId!,
        secretAccessKey: result.Credentials!.SecretAccessKey!,
        sessionToken: result.Credentials!.SessionToken!,
      }),
    );
    const identity = await assumed.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(ACCOUNTS.prod);
    expect(identity.Arn).toBe(result.AssumedRoleUser?.Arn);
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:replguard-audit$/);
  });

  it("answers ValidationError naming the RoleSessionName length", async () => {
    const error = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn(ACCOUNTS.prod), RoleSessionName: "x" })));
    expect([error.name, error.message]).toEqual([
      "ValidationError",
      "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ]);
  });

  it("defaults to a one-hour session", async () => {
    const result = await assume(ACCOUNTS.prod);
    expect(result.Credentials?.Expiration?.toISOString()).toBe("2026-06-01T13:00:00.000Z");
  });

  it("answers AccessDenied 403 with AWS's sentence when the role is missing", async () => {
    const error = await failure(assume(ACCOUNTS.noRole));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
    expect(error.message).toBe(
      `User: arn:aws:iam::${ACCOUNTS.management}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn(ACCOUNTS.noRole)}`,
    );
  });

  it("answers AccessDenied for a role name the account does not have", async () => {
    const error = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn(ACCOUNTS.prod, "SomeOtherRole"), RoleSessionName: "x1" })));
    expect(error.name).toBe("AccessDenied");
  });

  it("refuses a caller the role does not trust", async () => {
    const { Credentials } = await assume(ACCOUNTS.prod);
    const fromProd = new STSClient(
      clientConfig(sandbox, { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! }),
    );
    const error = await failure(assume(ACCOUNTS.externalId, { ExternalId: "audit-7f3a" }, fromProd));
    expect(error.name).toBe("AccessDenied");
    expect(error.message).toContain(`User: arn:aws:sts::${ACCOUNTS.prod}:assumed-role/OrganizationAccountAccessRole/replguard-audit is not authorized`);
  });

  it("enforces the ExternalId a role requires", async () => {
    expect((await failure(assume(ACCOUNTS.externalId))).name).toBe("AccessDenied");
    expect((await failure(assume(ACCOUNTS.externalId, { ExternalId: "wrong-id" }))).name).toBe("AccessDenied");
    const result = await assume(ACCOUNTS.externalId, { ExternalId: "audit-7f3a" });
    expect(result.AssumedRoleUser?.Arn).toContain(`arn:aws:sts::${ACCOUNTS.externalId}:assumed-role/`);
  });

  it("limits a chained session to one hour", async () => {
    const scenario = smallScenario();
    scenario.auditRole = { ...scenario.auditRole, trustedAccounts: [ACCOUNTS.management, ACCOUNTS.prod] };
    const chained = await startSandbox({ scenario, clock: () => NOW });
    try {
      const first = await assume(ACCOUNTS.prod, {}, new STSClient(clientConfig(chained)));
      const fromProd = new STSClient(
        clientConfig(chained, { accessKeyId: first.Credentials!.AccessKeyId!, secretAccessKey: first.Credentials!.SecretAccessKey!, sessionToken: first.Credentials!.SessionToken! }),
      );
      const error = await failure(assume(ACCOUNTS.prod, { DurationSeconds: 7200 }, fromProd));
      expect([error.name, error.message]).toEqual(["ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."]);
      expect((await assume(ACCOUNTS.prod, { DurationSeconds: 3600 }, fromProd)).AssumedRoleUser?.Arn).toContain(ACCOUNTS.prod);
    } finally {
      await chained.close();
    }
  });

  it("refuses to assume a role in a suspended account", async () => {
    expect((await failure(assume(ACCOUNTS.suspended))).name).toBe("AccessDenied");
  });

  it("answers ValidationError 400 for DurationSeconds outside 900..43200", async () => {
    const short = await failure(assume(ACCOUNTS.prod, { DurationSeconds: 899 }));
    expect([short.name, short.$metadata.httpStatusCode]).toEqual(["ValidationError", 400]);
    expect(short.message).toContain("greater than or equal to 900");
    const long = await failure(assume(ACCOUNTS.prod, { DurationSeconds: 43_201 }));
    expect(long.message).toContain("less than or equal to 43200");
  });

  it("refuses DurationSeconds above the role's MaxSessionDuration (default one hour) with AWS's ValidationError", async () => {
    for (const DurationSeconds of [7200, 43_200]) {
      const error = await failure(assume(ACCOUNTS.prod, { DurationSeconds }));
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      ]);
    }
    expect((await assume(ACCOUNTS.prod, { DurationSeconds: 3600 })).Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it("takes the MaxSessionDuration a scenario sets on the audit role, and per account", async () => {
    const scenario = smallScenario();
    scenario.auditRole = { ...scenario.auditRole, maxSessionDuration: 43_200 };
    const prod = scenario.accounts.find((account) => account.id === ACCOUNTS.prod);
    if (prod !== undefined) prod.auditRole = { maxSessionDuration: 7200 };
    const longer = await startSandbox({ scenario, clock: () => NOW });
    try {
      const client = new STSClient(clientConfig(longer));
      const session = await assume(ACCOUNTS.externalId, { ExternalId: "audit-7f3a", DurationSeconds: 43_200 }, client);
      expect(session.Credentials?.Expiration?.getTime()).toBe(NOW.getTime() + 43_200_000);
      expect((await assume(ACCOUNTS.prod, { DurationSeconds: 7200 }, client)).Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect((await failure(assume(ACCOUNTS.prod, { DurationSeconds: 7201 }, client))).name).toBe("ValidationError");
    } finally {
      await longer.close();
    }
  });

  it("trusts the accounts a scenario names instead of the management account", async () => {
    const scenario = smallScenario();
    scenario.auditRole = { ...scenario.auditRole, trustedAccounts: [ACCOUNTS.prod] };
    const other = await startSandbox({ scenario });
    try {
      const error = await failure(new STSClient(clientConfig(other)).send(new AssumeRoleCommand({ RoleArn: roleArn(ACCOUNTS.prod), RoleSessionName: "mgmt" })));
      expect(error.name).toBe("AccessDenied");
    } finally {
      await other.close();
    }
  });

  it("logs AssumeRole as a non-mutating STS call made by the caller's account", () => {
    const call = sandbox.calls.find((c) => c.operation === "AssumeRole" && c.status === 200);
    expect(call).toMatchObject({ service: "sts", account: ACCOUNTS.management, mutating: false });
  });
});
