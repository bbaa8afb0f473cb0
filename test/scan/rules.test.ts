import { describe, expect, it } from "vitest";
import { bucketNameFromArn, parseRule, regionFromLocation } from "../../src/scan/parse.js";
import { testScenario } from "../support/scenarios/scan.js";
import { bucket, rule, scanSandbox, withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

describe("scan/parseRule", () => {
  it("reads a V1 rule (no Filter) as prefix-scoped, without priority, replicating delete markers", async () => {
    const scenario = testScenario();
    scenario.accounts[2]?.buckets?.push({
      name: "backup-legacy",
      region: "eu-west-1",
      versioning: "Enabled",
      replication: {
        Role: "arn:aws:iam::333333333333:role/repl",
        Rules: [
          { ID: "legacy", Prefix: "db/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::backup-vault" } },
          {
            ID: "tagged",
            Priority: 2,
            Filter: { Tag: { Key: "tier", Value: "gold" } },
            DeleteMarkerReplication: { Status: "Disabled" },
            Status: "Disabled",
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" }, ReplicaModifications: { Status: "Enabled" } },
            ExistingObjectReplication: { Status: "Enabled" },
            Destination: {
              Bucket: "arn:aws:s3:::backup-vault",
              EncryptionConfiguration: { ReplicaKmsKeyID: "arn:aws:kms:eu-west-1:333333333333:key/k" },
            },
          },
        ],
      },
    });
    await withSandbox(async (sandbox) => {
      const doc = bucket(await scanSandbox(sandbox, { accounts: [ACCOUNTS.backup] }), "backup-legacy");
      expect(rule(doc, "legacy")).toMatchObject({ priority: null, scope: "prefix", prefix: "db/", tags: {}, enabled: true, deleteMarkerReplication: true });
      expect(rule(doc, "tagged")).toMatchObject({
        priority: 2,
        enabled: false,
        scope: "tags",
        prefix: null,
        tags: { tier: "gold" },
        deleteMarkerReplication: false,
        existingObjectReplication: true,
        replicaModifications: true,
        sseKmsEncryptedObjects: true,
      });
      expect(rule(doc, "tagged").destination).toMatchObject({
        replicaKmsKeyId: "arn:aws:kms:eu-west-1:333333333333:key/k",
        ownerOverride: false,
        resolution: "resolved",
        crossAccount: false,
        crossRegion: false,
      });
    }, scenario);
  });

  it("reads an empty V2 filter as replicating all objects", () => {
    const parsed = parseRule({ ID: "all", Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: "Enabled" }, Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::d" } }, 0);
    expect(parsed).toMatchObject({ scope: "all", prefix: null, priority: 1, deleteMarkerReplication: true });
  });

  it("names a rule without an ID after its position", () => {
    expect(parseRule({ Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::d" } }, 2).id).toBe("rule-3");
  });
});

describe("scan/regionFromLocation", () => {
  it("maps an empty LocationConstraint to us-east-1 and the legacy EU to eu-west-1", () => {
    expect(regionFromLocation("")).toBe("us-east-1");
    expect(regionFromLocation(undefined)).toBe("us-east-1");
    expect(regionFromLocation("EU")).toBe("eu-west-1");
    expect(regionFromLocation("ap-south-2")).toBe("ap-south-2");
  });
});

describe("scan/bucketNameFromArn", () => {
  it("takes the bucket name from an S3 bucket ARN in any partition", () => {
    expect(bucketNameFromArn("arn:aws:s3:::my-bucket")).toBe("my-bucket");
    expect(bucketNameFromArn("arn:aws-cn:s3:::cn-bucket")).toBe("cn-bucket");
  });
});
