/**
 * A failed destination probe is an error, never a pass (issue 10 point 2): the endpoint goes away
 * while destinations are checked, so every HeadBucket fails. Through the real SDK against the
 * sandbox, on an organization whose clean scan is complete.
 */
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { testScenario } from "../support/scenarios/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

function fullyScannableScenario() {
  const scenario = testScenario();
  scenario.accounts = scenario.accounts.filter((a) => a.id !== ACCOUNTS.suspended && a.id !== ACCOUNTS.noRole);
  return scenario;
}

describe("scan/resolveDestinations when HeadBucket fails", () => {
  it("records the failed probe on the source bucket, makes dependent policies error, and the audit incomplete (exit 3)", async () => {
    const sandbox = await startSandbox({ scenario: fullyScannableScenario() });
    let closing: Promise<void> | null = null;
    try {
      const result = await audit({
        scan: {
          endpoint: sandbox.endpoint,
          credentials: sandbox.credentials,
          region: sandbox.region,
          maxAttempts: 1,
          // The destination pass in its own phase, after every account: early access batches would
          // read backup-vault's Object Lock while the accounts are still read, before the endpoint goes.
          accessAhead: false,
          // Every bucket has been read; only the destination probes are left.
          onProgress: (p) => {
            if (p.phase === "destinations" && closing === null) closing = sandbox.close();
          },
        },
        formats: [],
      });
      expect(closing).not.toBeNull();
      const prodData = result.snapshot.buckets.find((b) => b.name === "prod-data");
      expect(prodData?.errors).toContainEqual(expect.objectContaining({ operation: "HeadBucket", message: expect.stringMatching(/^destination partner-drop: /) }));
      const partner = prodData?.replication?.rules.find((r) => r.id === "to-partner")?.destination;
      // The access pass (replication role, bucket and key policies) runs after the endpoint went away too: its facts are unreadable as well.
      expect(partner).toMatchObject({ resolution: "unknown", account: null, inOrganization: null, unreadable: expect.arrayContaining(["destinationBucket"]) });
      // The resolved destination was listed before the endpoint went away; only its Object Lock,
      // read in the destinations phase, failed, and says so the same way.
      expect(prodData?.replication?.rules.find((r) => r.id === "to-backup")?.destination).toMatchObject({ resolution: "resolved", account: ACCOUNTS.backup, unreadable: expect.arrayContaining(["objectLock"]) });

      const status = (policyId: string) => result.snapshot.results.find((r) => r.bucket === "prod-data" && r.policyId === policyId);
      for (const policyId of ["destination-exists", "destination-in-organization", "destination-separate-account", "destination-account-verified"]) {
        expect(status(policyId)?.status, policyId).toBe("error");
      }
      expect(status("destination-exists")?.message).toMatch(/^HeadBucket failed with \w+ \(destination \S+: .*\); whether that destination exists, and who owns it, is unknown/);
      // A policy that reads only the source's own configuration is still decided.
      expect(status("replication-rules-enabled")?.status).toBe("pass");
      expect(result.snapshot.coverage.complete).toBe(false);
      expect(result.snapshot.coverage.buckets.partial).toBeGreaterThan(0);
      expect(result.exitCode).toBe(3);
    } finally {
      await (closing ?? sandbox.close());
    }
  });
});
