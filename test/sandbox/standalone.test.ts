/**
 * A scenario whose one account is in no organization (`"organization": null`, issue 11): every
 * Organizations call answers AWSOrganizationsNotInUseException (400, JSON 1.1 error shape,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html#API_DescribeOrganization_Errors),
 * and `replguard audit` says in one line to use --single-account and exits 2: nothing was scanned.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, validateScenario } from "../../src/sandbox/index.js";
import type { Sandbox, Scenario } from "../../src/sandbox/types.js";
import { runMain } from "../support/cli.js";
import { clientConfig, failure } from "../support/sandbox.js";

const ALONE = "121212121212";
const standalone = (): Scenario => ({
  organization: null,
  accounts: [{ id: ALONE, name: "solo", buckets: [{ name: "solo-data", region: "us-east-1", versioning: "Enabled" }] }],
});

describe("sandbox/standalone account (no organization)", () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: standalone() });
    dir = mkdtempSync(join(tmpdir(), "replguard-standalone-"));
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands out the standalone account's keys", async () => {
    const identity = await new STSClient(clientConfig(sandbox)).send(new GetCallerIdentityCommand({}));
    expect([sandbox.managementAccountId, identity.Account]).toEqual([ALONE, ALONE]);
  });

  it("answers every Organizations call with AWSOrganizationsNotInUseException", async () => {
    const org = new OrganizationsClient(clientConfig(sandbox));
    for (const command of [new DescribeOrganizationCommand({}), new ListAccountsCommand({})]) {
      const error = await failure(org.send(command as never));
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        "AWSOrganizationsNotInUseException",
        400,
        "Your account is not a member of an organization.",
      ]);
    }
  });

  it("refuses a scenario without an organization that has more than one account, naming /accounts", async () => {
    const two = standalone();
    two.accounts.push({ id: "343434343434", name: "second" });
    await expect(validateScenario(two, "two.json")).rejects.toMatchObject({ location: { pointer: "/accounts" } });
  });

  it("makes replguard audit exit 2 with one line suggesting --single-account, and --single-account audits it", async () => {
    const file = join(dir, "standalone.json");
    writeFileSync(file, JSON.stringify(standalone()));
    const refused = await runMain(["audit", "--sandbox", file, "--out", join(dir, "org"), "--quiet"]);
    expect(refused.code).toBe(2);
    const lines = refused.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not in an AWS Organization.*--single-account/);
    expect(lines[0]).not.toMatch(/\.\./);
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    const single = await runMain(["audit", "--sandbox", file, "--single-account", "--out", join(dir, "single"), "--quiet", "--format", "json"]);
    expect([0, 1]).toContain(single.code);
  });
});
