import { describe, expect, it } from "vitest";
import { validateScenario } from "../../../src/sandbox/index.js";
import { buildWorld } from "../../../src/sandbox/core/world.js";
import { ACCOUNTS } from "../../support/accounts.js";
import { iamScenario } from "./world.js";

describe("sandbox/scenario (IAM and KMS)", () => {
  it("builds roles, managed policies, keys and the audit role's policy into the world", async () => {
    const world = buildWorld(await validateScenario(iamScenario(), "iam.json"));
    const prod = world.accounts.get(ACCOUNTS.prod)!;
    expect(prod.roles.get("s3-repl")).toMatchObject({ arn: `arn:aws:iam::${ACCOUNTS.prod}:role/service-role/s3-repl`, maxSessionDuration: 7200 });
    expect([...prod.managedPolicies.keys()]).toEqual([`arn:aws:iam::${ACCOUNTS.prod}:policy/read-source`]);
    expect(prod.kmsKeys.get("1234abcd-12ab-34cd-56ef-1234567890ab")).toMatchObject({ alias: "prod-data", region: "eu-west-1" });
    expect(prod.auditRole?.policy).toBeDefined();
    expect(world.accounts.get(ACCOUNTS.backup)?.auditRole?.policy).toBeUndefined();
    expect(prod.remediationRole).toMatchObject({ trustedAccounts: [ACCOUNTS.management] });
    expect(world.remediationRoleName).toBe("replguard-fix");
  });

  it("refuses a role that attaches a policy nobody defines, naming the pointer", async () => {
    const scenario = iamScenario();
    scenario.accounts[1]!.roles![0]!.attachedPolicies = ["arn:aws:iam::aws:policy/NoSuchPolicy"];
    await expect(validateScenario(scenario, "iam.json")).rejects.toThrow(
      /^Scenario iam\.json: \/accounts\/1\/roles\/0\/attachedPolicies\/0 attaches arn:aws:iam::aws:policy\/NoSuchPolicy, which is neither/,
    );
  });

  it("refuses a policy document without a Statement and a statement with neither Action nor NotAction", async () => {
    const noStatement = iamScenario();
    noStatement.accounts[1]!.roles![0]!.trustPolicy = { Version: "2012-10-17" } as never;
    await expect(validateScenario(noStatement, "iam.json")).rejects.toThrow(/\/accounts\/1\/roles\/0\/trustPolicy/);
    const noAction = iamScenario();
    noAction.auditRole = { policy: { Statement: [{ Effect: "Allow", Resource: "*" }] } };
    await expect(validateScenario(noAction, "iam.json")).rejects.toThrow(/\/auditRole\/policy/);
  });

  it("refuses two keys with one alias in an account", async () => {
    const scenario = iamScenario();
    scenario.accounts[1]!.kmsKeys!.push({ id: "other", region: "eu-west-1", alias: "prod-data" });
    await expect(validateScenario(scenario, "iam.json")).rejects.toThrow(/repeats alias "prod-data"/);
  });
});
