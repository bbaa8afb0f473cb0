/**
 * Whatever AWS returns is representable in the snapshot (issue 10 point 5): a rule whose
 * Destination.Account is "backup" (not 12 digits; scenario replication is loaded without S3's write
 * validation) is audited, kept raw, flagged, made a finding, and the written snapshot is read back
 * by `replguard report`'s reader.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit/index.js";
import { readSnapshot } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { testScenario } from "../support/scenarios/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

describe("scan/raw declared account", () => {
  it("keeps Destination.Account \"backup\" raw, flags it invalid, fails destination-account-verified, and writes a readable snapshot", async () => {
    const scenario = testScenario();
    const backupRule = scenario.accounts[1]?.buckets?.[0]?.replication?.Rules.find((r) => r.ID === "to-backup");
    if (backupRule?.Destination === undefined) throw new Error("scenario changed");
    backupRule.Destination.Account = "backup";
    const sandbox = await startSandbox({ scenario });
    const out = await mkdtemp(join(tmpdir(), "replguard-raw-account-"));
    try {
      const result = await audit({
        scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region },
        formats: ["json"],
        outDir: out,
      });
      const destination = result.snapshot.buckets.find((b) => b.name === "prod-data")?.replication?.rules.find((r) => r.id === "to-backup")?.destination;
      expect(destination).toMatchObject({ declaredAccount: "backup", declaredAccountStatus: "invalid", declaredAccountInOrganization: null, account: ACCOUNTS.backup, resolution: "resolved" });
      const finding = result.snapshot.results.find((r) => r.bucket === "prod-data" && r.policyId === "destination-account-verified");
      expect(finding?.status).toBe("fail");
      expect(finding?.message.split("; ")).toContain('rule `to-backup` declares account "backup" for backup-vault, which is not an account id');

      const file = result.reports.find((r) => r.format === "json")?.file;
      expect(file).toBeDefined();
      const snapshot = await readSnapshot(file as string);
      expect(snapshot.bucketDocumentSchemaVersion).toBe("2.0.0");
      expect(snapshot.buckets.find((b) => b.name === "prod-data")?.replication?.rules[0]?.destination.declaredAccount).toBe("backup");
    } finally {
      await sandbox.close();
      await rm(out, { recursive: true, force: true });
    }
  });
});
