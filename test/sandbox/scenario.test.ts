import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors.js";
import { loadScenario, startSandbox } from "../../src/sandbox/index.js";
import { buildWorld, derivedCredentials } from "../../src/sandbox/core/world.js";
import type { Scenario } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { smallScenario } from "../support/scenarios/small.js";

async function writeScenario(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "replguard-scenario-"));
  const file = join(dir, "scenario.json");
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

async function scenarioError(source: string | Scenario): Promise<ScenarioError> {
  try {
    await loadScenario(source);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("sandbox/scenario", () => {
  it("loads the built-in demo scenario", async () => {
    const demo = await loadScenario("demo");
    expect(demo.accounts.length).toBeGreaterThanOrEqual(5);
    const sandbox = await startSandbox({ scenario: "demo" });
    await sandbox.close();
    expect(sandbox.managementAccountId).toBe(demo.organization?.managementAccountId);
  });

  it("names the file and the JSON pointer of a value the schema refuses", async () => {
    const scenario = smallScenario();
    (scenario.accounts[1]!.buckets![0] as { versioning: string }).versioning = "On";
    const file = await writeScenario(scenario);
    const error = await scenarioError(file);
    expect(error.location).toEqual({ file, pointer: "/accounts/1/buckets/0/versioning" });
    expect(error.message).toBe(`Scenario ${file}: /accounts/1/buckets/0/versioning must be one of "Enabled", "Suspended"`);
  });

  it("points at an unknown property", async () => {
    const scenario = smallScenario() as unknown as { accounts: Record<string, unknown>[] };
    scenario.accounts[2]!["auditrole"] = false;
    const error = await scenarioError(await writeScenario(scenario));
    expect(error.location.pointer).toBe("/accounts/2/auditrole");
    expect(error.message).toContain("is not an allowed property");
  });

  it("reports a file that is not JSON, and one that does not exist", async () => {
    const file = await writeScenario("{ not json");
    expect((await scenarioError(file)).message).toMatch(new RegExp(`^Scenario ${file} is not valid JSON`));
    expect((await scenarioError("/nonexistent/scenario.json")).message).toBe("Scenario /nonexistent/scenario.json does not exist");
  });

  it("refuses a bucket name used twice, as bucket names are global", async () => {
    const scenario = smallScenario();
    scenario.externalAccounts![0]!.buckets![0]!.name = "prod-data";
    const error = await scenarioError(scenario);
    expect(error.location.pointer).toBe("/externalAccounts/0/buckets/0/name");
    expect(error.message).toContain('repeats bucket name "prod-data" (already at /accounts/1/buckets/0/name)');
  });

  it("refuses a repeated account id, a missing management account and an invalid bucket name", async () => {
    const repeated = smallScenario();
    repeated.accounts[2]!.id = ACCOUNTS.prod;
    expect((await scenarioError(repeated)).location.pointer).toBe("/accounts/2/id");

    const headless = smallScenario();
    headless.organization = { id: "o-test123456", managementAccountId: "123123123123" };
    expect((await scenarioError(headless)).location.pointer).toBe("/organization/managementAccountId");

    const badName = smallScenario();
    badName.accounts[0]!.buckets![0]!.name = "my..bucket";
    expect((await scenarioError(badName)).message).toContain("must not contain two adjacent periods");

    const shortId = smallScenario();
    shortId.accounts[0]!.id = "1234";
    expect((await scenarioError(shortId)).location.pointer).toBe("/accounts/0/id");
  });

  it("loads replication as written, without S3's write validation", async () => {
    const scenario = smallScenario();
    scenario.accounts[1]!.buckets![0]!.replication = {
      Role: "arn:aws:iam::222222222222:role/replication",
      Rules: [{ Status: "Enabled", Filter: { Prefix: "" }, Destination: { Bucket: "arn:aws:s3:::does-not-exist" } }],
    };
    const world = buildWorld(await loadScenario(scenario));
    expect(world.buckets.get("prod-data")?.replication?.Rules?.[0]?.Destination?.Bucket).toBe("arn:aws:s3:::does-not-exist");
  });

  it("derives stable AKIA keys per account and gives the audit role to members by default", () => {
    const world = buildWorld(smallScenario());
    const keys = derivedCredentials(ACCOUNTS.management);
    expect(keys.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(keys.secretAccessKey).toHaveLength(40);
    expect(derivedCredentials(ACCOUNTS.management)).toEqual(keys);
    expect(world.keys.get(keys.accessKeyId)?.accountId).toBe(ACCOUNTS.management);
    expect(world.accounts.get(ACCOUNTS.prod)?.auditRole).toEqual({ trustedAccounts: [ACCOUNTS.management], externalId: null, maxSessionDuration: 3600 });
    expect(world.accounts.get(ACCOUNTS.noRole)?.auditRole).toBeNull();
    expect(world.accounts.get(ACCOUNTS.external)).toMatchObject({ member: false, auditRole: null });
  });

  it("lets an account's auditRole name whom it trusts and the ExternalId it requires", () => {
    const scenario = smallScenario();
    scenario.accounts[1]!.auditRole = { trusts: [ACCOUNTS.prod] };
    scenario.auditRole = { ...scenario.auditRole, externalId: "org-wide-id" };
    const world = buildWorld(scenario);
    expect(world.accounts.get(ACCOUNTS.prod)?.auditRole).toEqual({ trustedAccounts: [ACCOUNTS.prod], externalId: "org-wide-id", maxSessionDuration: 3600 });
    expect(world.accounts.get(ACCOUNTS.externalId)?.auditRole).toEqual({ trustedAccounts: [ACCOUNTS.management], externalId: "audit-7f3a", maxSessionDuration: 3600 });
  });

  it("uses the scenario's credentials when it gives them", async () => {
    const scenario = smallScenario();
    scenario.accounts[0]!.credentials = { accessKeyId: "AKIAEXAMPLE000000001", secretAccessKey: "example-secret-for-tests-0000000000000000" };
    const sandbox = await startSandbox({ scenario });
    await sandbox.close();
    expect(sandbox.credentials).toEqual(scenario.accounts[0]!.credentials);
    expect(sandbox.exports()).toContain("export AWS_ACCESS_KEY_ID=AKIAEXAMPLE000000001\n");
  });
});
