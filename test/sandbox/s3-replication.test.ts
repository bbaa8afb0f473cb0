import {
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  type ReplicationConfiguration,
  type ReplicationRule,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { errorOf, s3As } from "../support/sandbox.js";
import { s3Scenario } from "../support/scenarios/s3.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: s3Scenario() });
});
afterAll(async () => sandbox.close());

const ROLE = `arn:aws:iam::${ACCOUNTS.prod}:role/s3-replication`;
const client = () => s3As(sandbox.endpoint, ACCOUNTS.prod, "eu-west-1");
const rule = (overrides: Partial<ReplicationRule> = {}): ReplicationRule => ({
  ID: "r1",
  Priority: 1,
  Filter: { Prefix: "logs/" },
  Status: "Enabled",
  DeleteMarkerReplication: { Status: "Disabled" },
  Destination: { Bucket: "arn:aws:s3:::prod-replica" },
  ...overrides,
});
/** `role: null` leaves Role out of the request. */
const put = (Rules: ReplicationRule[], bucket = "prod-source", role: string | null = ROLE) =>
  client().send(new PutBucketReplicationCommand({ Bucket: bucket, ReplicationConfiguration: { Role: role ?? undefined, Rules } as ReplicationConfiguration }));
const refusal = async (Rules: ReplicationRule[], bucket = "prod-source") => {
  const error = await errorOf(put(Rules, bucket));
  return [error.name, error.$metadata.httpStatusCode, error.message];
};

describe("sandbox/s3 GetBucketReplication", () => {
  it("answers ReplicationConfigurationNotFoundError when none is configured", async () => {
    const error = await errorOf(client().send(new GetBucketReplicationCommand({ Bucket: "prod-suspended" })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(["ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found"]);
  });

  it("answers a scenario's configuration as written, empty Filter included", async () => {
    const out = await client().send(new GetBucketReplicationCommand({ Bucket: "prod-replicating" }));
    expect(out.ReplicationConfiguration).toEqual({
      Role: ROLE,
      Rules: [{ ID: "all", Priority: 1, Filter: {}, Status: "Enabled", DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: "arn:aws:s3:::prod-replica" } }],
    });
  });

  it("answers AccessDenied when the scenario denies the operation, even to the owner", async () => {
    const error = await errorOf(client().send(new GetBucketReplicationCommand({ Bucket: "prod-denied" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
    expect((await client().send(new GetBucketVersioningCommand({ Bucket: "prod-denied" }))).Status).toBe("Enabled");
  });
});

describe("sandbox/s3 PutBucketReplication round trip", () => {
  it("returns every rule and field as put, in order (Filter/And/Tag, DeleteMarkerReplication Enabled, RTC, metrics, KMS, owner override)", async () => {
    const configuration: ReplicationConfiguration = {
      Role: ROLE,
      Rules: [
        {
          ID: "cross-account",
          Priority: 2,
          Filter: { And: { Prefix: "finance/", Tags: [{ Key: "replicate", Value: "yes" }, { Key: "tier", Value: "gold" }] } },
          Status: "Enabled",
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" }, ReplicaModifications: { Status: "Enabled" } },
          ExistingObjectReplication: { Status: "Enabled" },
          Destination: {
            Bucket: "arn:aws:s3:::other-private",
            Account: ACCOUNTS.other,
            StorageClass: "STANDARD_IA",
            AccessControlTranslation: { Owner: "Destination" },
            EncryptionConfiguration: { ReplicaKmsKeyID: `arn:aws:kms:us-east-1:${ACCOUNTS.other}:key/replica` },
            ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
            Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
          },
          DeleteMarkerReplication: { Status: "Disabled" },
        },
        rule({ ID: "logs", Priority: 1, DeleteMarkerReplication: { Status: "Enabled" } }),
        rule({ ID: "tagged", Priority: 3, Filter: { Tag: { Key: "backup", Value: "true" } }, Status: "Disabled", Destination: { Bucket: "arn:aws:s3:::prod-replica", Metrics: { Status: "Enabled" } } }),
        rule({ ID: "everything", Priority: 4, Filter: { Prefix: "" }, DeleteMarkerReplication: { Status: "Enabled" } }),
      ],
    };
    await client().send(new PutBucketReplicationCommand({ Bucket: "prod-source", ReplicationConfiguration: configuration }));
    const out = await client().send(new GetBucketReplicationCommand({ Bucket: "prod-source" }));
    expect(out.ReplicationConfiguration).toEqual(configuration);
  });

  it("keeps a V1 rule's Prefix and assigns an ID when none is given", async () => {
    await put([{ Prefix: "v1/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::prod-replica" } }], "prod-locked");
    const out = await client().send(new GetBucketReplicationCommand({ Bucket: "prod-locked" }));
    const [only] = out.ReplicationConfiguration?.Rules ?? [];
    expect(only).toMatchObject({ Prefix: "v1/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::prod-replica" } });
    expect(only?.ID).toMatch(/.+/);
    expect(only?.Filter).toBeUndefined();
  });

  it("deletes the configuration (204), after which versioning may be suspended", async () => {
    await put([rule()], "prod-denied");
    const deleted = await client().send(new DeleteBucketReplicationCommand({ Bucket: "prod-denied" }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await client().send(new PutBucketVersioningCommand({ Bucket: "prod-denied", VersioningConfiguration: { Status: "Suspended" } }));
    expect((await client().send(new GetBucketVersioningCommand({ Bucket: "prod-denied" }))).Status).toBe("Suspended");
  });

  it("logs Put and Delete as mutating calls and Get as not", async () => {
    const before = sandbox.calls.length;
    await put([rule()]);
    await client().send(new GetBucketReplicationCommand({ Bucket: "prod-source" }));
    const log = sandbox.calls.slice(before).map((call) => [call.operation, call.mutating, call.region]);
    expect(log).toEqual([["PutBucketReplication", true, "eu-west-1"], ["GetBucketReplication", false, "eu-west-1"]]);
  });
});

describe("sandbox/s3 PutBucketReplication validation", () => {
  it("needs versioning Enabled on a never-versioned source", async () => {
    const error = await errorOf(put([rule()], "prod-unversioned"));
    expect([error.name, error.$metadata.httpStatusCode, error.message, error["BucketName"]]).toEqual([
      "InvalidRequest",
      400,
      "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
      "prod-unversioned",
    ]);
  });

  it("needs versioning Enabled on a suspended source", async () => {
    expect((await refusal([rule()], "prod-suspended"))[0]).toBe("InvalidRequest");
  });

  it("needs the destination bucket to exist", async () => {
    expect(await refusal([rule({ Destination: { Bucket: "arn:aws:s3:::no-such-destination" } })])).toEqual(["InvalidRequest", 400, "Destination bucket must have versioning enabled."]);
  });

  it("needs versioning enabled on the destination", async () => {
    expect(await refusal([rule({ Destination: { Bucket: "arn:aws:s3:::prod-unversioned" } })])).toEqual(["InvalidRequest", 400, "Destination bucket must have versioning enabled."]);
  });

  it("refuses the source as its own destination", async () => {
    expect((await refusal([rule({ Destination: { Bucket: "arn:aws:s3:::prod-source" } })]))[2]).toBe("Destination bucket cannot be the same as the source bucket.");
  });

  it("refuses a destination that is not a bucket ARN", async () => {
    expect((await refusal([rule({ Destination: { Bucket: "prod-replica" } })]))[0]).toBe("InvalidArgument");
  });

  it("needs a Role", async () => {
    const error = await errorOf(put([rule()], "prod-source", null));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["MalformedXML", 400]);
  });

  it("refuses more than 1,000 rules", async () => {
    const rules = Array.from({ length: 1001 }, (_, i) => rule({ ID: `r${i}`, Priority: i }));
    expect((await refusal(rules)).slice(0, 2)).toEqual(["InvalidRequest", 400]);
  });

  it("accepts exactly 1,000 rules", async () => {
    const rules = Array.from({ length: 1000 }, (_, i) => rule({ ID: `r${i}`, Priority: i }));
    expect((await put(rules)).$metadata.httpStatusCode).toBe(200);
  });

  it("refuses two rules with the same ID", async () => {
    expect((await refusal([rule(), rule({ Priority: 2 })])).slice(0, 2)).toEqual(["InvalidArgument", 400]);
  });

  it("refuses an ID longer than 255 characters", async () => {
    expect((await refusal([rule({ ID: "x".repeat(256) })]))[0]).toBe("InvalidArgument");
  });

  it("needs Priority on a V2 (Filter) rule", async () => {
    expect((await refusal([rule({ Priority: undefined })]))[2]).toMatch(/^Priority must be specified for this version of Cross Region Replication configuration schema/);
  });

  it("needs DeleteMarkerReplication on a V2 (Filter) rule", async () => {
    expect((await refusal([rule({ DeleteMarkerReplication: undefined })]))[2]).toMatch(/^DeleteMarkerReplication must be specified for this version/);
  });

  it("refuses two V2 rules with the same Priority", async () => {
    expect((await refusal([rule(), rule({ ID: "r2" })])).slice(0, 2)).toEqual(["InvalidRequest", 400]);
  });

  it("refuses delete-marker replication with a Tag filter", async () => {
    const tagged = rule({ Filter: { Tag: { Key: "k", Value: "v" } }, DeleteMarkerReplication: { Status: "Enabled" } });
    expect(await refusal([tagged])).toEqual(["InvalidRequest", 400, "Delete marker replication is not supported if any Tag filter is specified."]);
  });

  it("refuses delete-marker replication with tags inside And", async () => {
    const tagged = rule({ Filter: { And: { Prefix: "a/", Tags: [{ Key: "k", Value: "v" }] } }, DeleteMarkerReplication: { Status: "Enabled" } });
    expect((await refusal([tagged]))[2]).toBe("Delete marker replication is not supported if any Tag filter is specified.");
  });

  it("refuses DeleteMarkerReplication on a V1 (rule-level Prefix) rule", async () => {
    const v1 = { ID: "v1", Prefix: "a/", Status: "Enabled", DeleteMarkerReplication: { Status: "Enabled" }, Destination: { Bucket: "arn:aws:s3:::prod-replica" } } as ReplicationRule;
    expect((await refusal([v1]))[2]).toMatch(/^DeleteMarkerReplication cannot be used for this version/);
  });

  it("refuses a configuration mixing V1 and V2 rules", async () => {
    const v1 = { ID: "v1", Prefix: "a/", Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::prod-replica" } } as ReplicationRule;
    expect((await refusal([v1, rule({ ID: "v2" })]))[0]).toBe("MalformedXML");
  });

  it("needs metrics enabled with Replication Time Control", async () => {
    const rtc = rule({ Destination: { Bucket: "arn:aws:s3:::prod-replica", ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } } } });
    expect((await refusal([rtc])).slice(0, 2)).toEqual(["InvalidRequest", 400]);
  });

  it("needs 15 minutes for Replication Time Control", async () => {
    const rtc = rule({
      Destination: { Bucket: "arn:aws:s3:::prod-replica", ReplicationTime: { Status: "Enabled", Time: { Minutes: 10 } }, Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } },
    });
    expect((await refusal([rtc]))[0]).toBe("InvalidArgument");
  });

  it("refuses a metrics event threshold without Replication Time Control", async () => {
    const metrics = rule({ Destination: { Bucket: "arn:aws:s3:::prod-replica", Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } } } });
    expect(await refusal([metrics])).toEqual(["InvalidArgument", 400, "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled"]);
  });

  it("needs ReplicaKmsKeyID when SSE-KMS objects are replicated", async () => {
    const kms = rule({ SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } } });
    expect((await refusal([kms]))[2]).toBe("ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.");
  });

  it("needs Destination Account with AccessControlTranslation", async () => {
    const owner = rule({ Destination: { Bucket: "arn:aws:s3:::other-private", AccessControlTranslation: { Owner: "Destination" } } });
    expect((await refusal([owner])).slice(0, 2)).toEqual(["InvalidRequest", 400]);
  });

  it("accepts an Object Lock source (S3 reports a destination without Object Lock only at replication time)", async () => {
    expect((await put([rule()], "prod-locked")).$metadata.httpStatusCode).toBe(200);
  });

  it("leaves the stored configuration unchanged when it refuses one", async () => {
    await put([rule({ ID: "kept" })]);
    await errorOf(put([rule({ DeleteMarkerReplication: undefined })]));
    const out = await client().send(new GetBucketReplicationCommand({ Bucket: "prod-source" }));
    expect(out.ReplicationConfiguration?.Rules?.map((r) => r.ID)).toEqual(["kept"]);
  });
});
