/**
 * An SDK client costs about half a millisecond of CPU to make and more on its first call (its
 * middleware stack and endpoint rules resolved): the audit makes them only where a call still goes
 * through the SDK. Every account's ListBuckets and role reads, the bucket reads, a destination's second-pass reads, its policy and ownership
 * reads and the key policies (the access facts) go the lean way and make none; the endpoint templates are resolved on
 * one client per region, not on the first account's of each operation.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { audit } from "../../src/audit/index.js";
import { AwsClientFactory } from "../../src/aws/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ generate: { accounts: 6, buckets: 10, seed: 11 } });
});
afterAll(async () => {
  await sandbox.close();
});

describe("scan/SDK clients made by an audit", () => {
  it("makes an S3 client only for HeadBucket and one template client per region, one IAM client, a KMS client per key Region", async () => {
    const s3 = vi.spyOn(AwsClientFactory.prototype, "s3");
    const iam = vi.spyOn(AwsClientFactory.prototype, "iam");
    const kms = vi.spyOn(AwsClientFactory.prototype, "kms");
    try {
      const from = sandbox.calls.length;
      const { snapshot } = await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, formats: [] });
      const calls = sandbox.calls.slice(from);
      const count = (operation: string): number => calls.filter((call) => call.operation === operation).length;
      const accounts = snapshot.accounts.length;
      const regions = new Set(snapshot.buckets.map((doc) => doc.region)).size;
      // The access facts read destinations' policies and ownership here, and the destination pass their facts.
      expect(count("GetBucketPolicy")).toBeGreaterThan(0);
      expect(count("GetBucketOwnershipControls")).toBeGreaterThan(0);
      expect(count("ListBuckets")).toBe(accounts);
      // The settings probe, one template client per region (the buckets' and the home Region, whose
      // ListBuckets template every account's listing uses: no account makes a client to list), a client per HeadBucket at most.
      expect(accounts).toBeGreaterThan(2);
      expect(s3.mock.calls.length).toBeLessThanOrEqual(1 + regions + 1 + count("HeadBucket"));
      // One IAM client, to resolve IAM's endpoint (the role reads are lean); a KMS client only to resolve a key Region's endpoint.
      expect(new Set(calls.filter((call) => call.operation === "GetRole").map((call) => call.account)).size).toBeGreaterThan(1);
      expect(iam.mock.calls.length).toBe(1);
      const keyRegions = new Set(calls.filter((call) => call.operation === "GetKeyPolicy").map((call) => call.region)).size;
      expect(count("GetKeyPolicy")).toBeGreaterThan(keyRegions);
      expect(kms.mock.calls.length).toBeLessThanOrEqual(keyRegions);
    } finally {
      s3.mockRestore();
      iam.mockRestore();
      kms.mockRestore();
    }
  });
});
