import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { OrganizationsClient, paginateListAccounts } from "@aws-sdk/client-organizations";
import { generateScenario, loadScenario, parseGenerateSpec, startSandbox } from "../../src/sandbox/index.js";

describe("sandbox/generate", () => {
  it("generates the same scenario from the same seed and another from a different seed", () => {
    expect(generateScenario({ accounts: 30, buckets: 10, seed: 5 })).toEqual(generateScenario({ accounts: 30, buckets: 10, seed: 5 }));
    expect(JSON.stringify(generateScenario({ accounts: 30, buckets: 10, seed: 5 }))).not.toBe(
      JSON.stringify(generateScenario({ accounts: 30, buckets: 10, seed: 6 })),
    );
  });

  it("generates a valid scenario of accounts × buckets that exercises every path", async () => {
    const scenario = await loadScenario(generateScenario({ accounts: 60, buckets: 20, seed: 1 }));
    expect(scenario.accounts).toHaveLength(60);
    const buckets = scenario.accounts.flatMap((a) => a.buckets ?? []);
    expect(buckets).toHaveLength(60 * 20);
    const archive = scenario.accounts.find((a) => a.name === "log-archive")!;
    const rules = buckets.flatMap((b) => b.replication?.Rules ?? []);
    const accountOf = (arn: string) => scenario.accounts.find((a) => a.buckets?.some((b) => `arn:aws:s3:::${b.name}` === arn))?.id;
    expect(rules.some((r) => r.Destination?.Account === archive.id)).toBe(true);
    expect(rules.some((r) => r.Destination?.Account === undefined)).toBe(true);
    expect(rules.some((r) => r.Destination?.Account === "999900000001")).toBe(true);
    expect(rules.some((r) => accountOf(r.Destination!.Bucket!) === undefined)).toBe(true);
    expect(rules.some((r) => r.Status === "Disabled")).toBe(true);
    expect(buckets.some((b) => b.versioning === undefined)).toBe(true);
    expect(buckets.some((b) => b.versioning === "Suspended")).toBe(true);
    expect(buckets.some((b) => b.deny?.includes("GetBucketReplication"))).toBe(true);
    expect(scenario.accounts.some((a) => a.auditRole === false && a.id !== scenario.organization?.managementAccountId)).toBe(true);
    expect(archive.buckets?.some((b) => b.versioning === undefined)).toBe(true);
    const kmsSources = buckets.filter((b) => b.encryption?.algorithm === "aws:kms" && b.replication !== undefined);
    expect(kmsSources.some((b) => b.replication!.Rules.some((r) => r.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === "Enabled"))).toBe(true);
    expect(kmsSources.some((b) => b.replication!.Rules.every((r) => r.SourceSelectionCriteria === undefined))).toBe(true);
    expect(rules.some((r) => r.Destination?.ReplicationTime?.Status === "Enabled" && r.Destination.Metrics?.Status === "Enabled")).toBe(true);
  });

  it("serves a generated organization from startSandbox({ generate })", async () => {
    const sandbox = await startSandbox({ generate: { accounts: 45, buckets: 3, seed: 2 } });
    try {
      const client = new OrganizationsClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials });
      let accounts = 0;
      for await (const page of paginateListAccounts({ client }, {})) accounts += page.Accounts?.length ?? 0;
      expect(accounts).toBe(45);
      expect(sandbox.world.buckets.size).toBe(45 * 3 + 5);
    } finally {
      await sandbox.close();
    }
  });

  it("refuses sizes it cannot generate", () => {
    expect(() => generateScenario({ accounts: 0, buckets: 1 })).toThrow("generate.accounts must be a whole number from 1");
    expect(() => generateScenario({ accounts: 2, buckets: -1 })).toThrow(UsageError);
  });

  it("parses the --generate flag", () => {
    expect(parseGenerateSpec("accounts=1000,buckets=100,seed=1")).toEqual({ accounts: 1000, buckets: 100, seed: 1 });
    expect(parseGenerateSpec("buckets=3, accounts=2")).toEqual({ accounts: 2, buckets: 3, seed: 1 });
  });

  it.each([
    ["accounts=10", "needs both"],
    ["accounts=10,buckets=x", "whole number"],
    ["accounts=0,buckets=1", "whole number from 1"],
    ["accounts=10,buckets=1,colour=red", "not one of those"],
    ["accounts=10,buckets=1,accounts=3", "twice"],
    ["accounts=1.5,buckets=1", "whole number"],
  ])("refuses %s with a UsageError", (spec, message) => {
    expect(() => parseGenerateSpec(spec)).toThrow(UsageError);
    expect(() => parseGenerateSpec(spec)).toThrow(message);
  });
});
