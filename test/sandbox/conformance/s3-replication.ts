/**
 * The replication part of the S3 sequence in test/sandbox/conformance.test.ts (registered from
 * there, in order, so it shares the servers and the buckets the sequence created): Put, Get and
 * DeleteBucketReplication on both servers, S3's write validation, and what moto 5.2.1 loses.
 */
import * as s3 from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { s3For, type LoopbackTarget } from "./aws-clients.js";
import { knownDifferenceTitle, statusOf, type Answer, type Harness, type Side } from "./harness.js";
import { REPLICATED_BUCKET, SEQUENCE_BUCKETS, detailedReplication, oneRule, plainReplication } from "./world.js";

const { SOURCE, DEST, MISSING } = SEQUENCE_BUCKETS;
const inEu = (t: LoopbackTarget) => s3For(t, "eu-west-1");

export function describeS3ReplicationConformance(harness: Harness): void {
  const { both, expectBoth, target } = harness;

  it("answers GetBucketReplication for a configuration that predates the sequence (scenario file vs PutBucketReplication)", async () => {
    const Bucket = REPLICATED_BUCKET.name;
    await expectBoth((t) => s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket })), { Status: "Enabled" });
    await expectBoth((t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket })), {
      ReplicationConfiguration: plainReplication(REPLICATED_BUCKET.destination),
    });
  });

  it("refuses replication on a source without versioning, then takes versioning", async () => {
    const put = (t: LoopbackTarget) =>
      s3For(t).send(new s3.PutBucketReplicationCommand({ Bucket: SOURCE, ReplicationConfiguration: plainReplication(DEST) }));
    await expectBoth((t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket: SOURCE })), {
      error: "ReplicationConfigurationNotFoundError",
      status: 404,
    });
    await expectBoth(put, { error: "InvalidRequest", status: 400 });
    const enable = { Status: "Enabled" as const };
    await expectBoth((t) => s3For(t).send(new s3.PutBucketVersioningCommand({ Bucket: SOURCE, VersioningConfiguration: enable })), {});
    await expectBoth((t) => s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket: SOURCE })), enable);
  });

  describe("where moto is more lenient than S3 on PutBucketReplication", () => {
    const put = (configuration: s3.ReplicationConfiguration) => (t: LoopbackTarget) =>
      s3For(t).send(new s3.PutBucketReplicationCommand({ Bucket: SOURCE, ReplicationConfiguration: configuration }));
    const rejectedByS3 = async (configuration: s3.ReplicationConfiguration, code?: string) => {
      const answers = await both(put(configuration));
      expect(answers.moto, "moto now rejects it: remove the known difference").toEqual({});
      expect(answers.sandbox).toMatchObject({ status: 400, ...(code === undefined ? {} : { error: code }) });
    };

    it(knownDifferenceTitle("replication-destination-unversioned"), async () => {
      await rejectedByS3(plainReplication(DEST), "InvalidRequest");
    });
    it(knownDifferenceTitle("replication-destination-missing"), async () => {
      await rejectedByS3(plainReplication(MISSING), "InvalidRequest");
    });
    it(knownDifferenceTitle("replication-filter-needs-delete-marker-replication"), async () => {
      const versionDest = { Bucket: DEST, VersioningConfiguration: { Status: "Enabled" as const } };
      await expectBoth((t) => inEu(t).send(new s3.PutBucketVersioningCommand(versionDest)), {});
      await rejectedByS3(oneRule(DEST, { Filter: { Prefix: "logs/" }, DeleteMarkerReplication: undefined }), "InvalidRequest");
    });
    it(knownDifferenceTitle("replication-tag-filter-delete-markers"), async () => {
      await rejectedByS3(oneRule(DEST, { Filter: { Tag: { Key: "k", Value: "v" } }, DeleteMarkerReplication: { Status: "Enabled" } }));
    });
    it(knownDifferenceTitle("replication-time-control-needs-metrics"), async () => {
      const destination = { Bucket: `arn:aws:s3:::${DEST}`, ReplicationTime: { Status: "Enabled" as const, Time: { Minutes: 15 } } };
      await rejectedByS3(oneRule(DEST, { Destination: destination }));
    });
  });

  it("stores a replication configuration and answers GetBucketReplication with it", async () => {
    const configuration = plainReplication(DEST);
    await expectBoth((t) => s3For(t).send(new s3.PutBucketReplicationCommand({ Bucket: SOURCE, ReplicationConfiguration: configuration })), {});
    await expectBoth((t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket: SOURCE })), { ReplicationConfiguration: configuration });
  });

  describe("where moto 5.2.1 loses parts of a stored replication configuration", () => {
    const configuration = detailedReplication(DEST);
    let answers: Record<Side, Answer>;
    beforeAll(async () => {
      await expectBoth((t) => s3For(t).send(new s3.PutBucketReplicationCommand({ Bucket: SOURCE, ReplicationConfiguration: configuration })), {});
      answers = await both((t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket: SOURCE })));
    });
    const rules = (side: Side) => (answers[side] as s3.GetBucketReplicationOutput).ReplicationConfiguration?.Rules ?? [];

    it("answers the same Role, rule ids, statuses, priorities and destinations on both", () => {
      const comparable = (side: Side) => rules(side).map((rule) => [rule.ID, rule.Status, rule.Priority, rule.Destination?.Bucket]);
      expect(comparable("sandbox")).toEqual(comparable("moto"));
      expect((answers.sandbox as s3.GetBucketReplicationOutput).ReplicationConfiguration?.Role).toBe(configuration.Role);
    });
    it(knownDifferenceTitle("get-replication-keeps-filter"), () => {
      expect(rules("sandbox").map((rule) => rule.Filter)).toEqual(configuration.Rules?.map((rule) => rule.Filter));
      expect(rules("moto").map((rule) => rule.Filter)).toEqual([{ Prefix: "" }, { Prefix: "" }]);
    });
    it(knownDifferenceTitle("get-replication-keeps-delete-marker-replication"), () => {
      expect(rules("sandbox")[0]?.DeleteMarkerReplication).toEqual({ Status: "Enabled" });
      expect(rules("moto")[0]?.DeleteMarkerReplication).toEqual({ Status: "Disabled" });
    });
    it(knownDifferenceTitle("get-replication-keeps-source-selection-criteria"), () => {
      expect(rules("sandbox")[1]?.SourceSelectionCriteria).toEqual({ SseKmsEncryptedObjects: { Status: "Enabled" } });
      expect(rules("moto")[1]?.SourceSelectionCriteria).toBeUndefined();
      expect(answers.sandbox).toEqual({ ReplicationConfiguration: configuration });
    });
  });

  it(knownDifferenceTitle("get-replication-keeps-v1-rules"), async () => {
    const v1: s3.ReplicationConfiguration = {
      Role: plainReplication(DEST).Role,
      Rules: [{ ID: "legacy", Status: "Enabled", Prefix: "logs/", Destination: { Bucket: `arn:aws:s3:::${DEST}` } }],
    };
    await expectBoth((t) => s3For(t).send(new s3.PutBucketReplicationCommand({ Bucket: SOURCE, ReplicationConfiguration: v1 })), {});
    const answers = await both((t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket: SOURCE })));
    expect(answers.sandbox).toEqual({ ReplicationConfiguration: v1 });
    const motoRule = (answers.moto as Partial<s3.GetBucketReplicationOutput>).ReplicationConfiguration?.Rules?.[0];
    expect({ Prefix: motoRule?.Prefix, Filter: motoRule?.Filter }).toEqual({ Prefix: undefined, Filter: { Prefix: "" } });
  });

  it(knownDifferenceTitle("versioning-suspend-with-replication"), async () => {
    const suspend = { Bucket: SOURCE, VersioningConfiguration: { Status: "Suspended" as const } };
    const answers = await both((t) => s3For(t).send(new s3.PutBucketVersioningCommand(suspend)));
    expect(answers.moto, "moto now refuses: remove the known difference").toEqual({});
    expect(statusOf(answers.sandbox)).toBeGreaterThanOrEqual(400);
    expect(statusOf(answers.sandbox)).toBeLessThan(500);
    // Put moto back in the state S3 would be in, so the sequence continues from the same state.
    const enable = { Bucket: SOURCE, VersioningConfiguration: { Status: "Enabled" as const } };
    await s3For(target.moto).send(new s3.PutBucketVersioningCommand(enable));
    await expectBoth((t) => s3For(t).send(new s3.GetBucketVersioningCommand({ Bucket: SOURCE })), { Status: "Enabled" });
  });

  it("deletes a replication configuration with DeleteBucketReplication, and answers a second delete alike", async () => {
    await expectBoth((t) => s3For(t).send(new s3.DeleteBucketReplicationCommand({ Bucket: SOURCE })), {});
    await expectBoth((t) => s3For(t).send(new s3.DeleteBucketReplicationCommand({ Bucket: SOURCE })), {});
    await expectBoth((t) => s3For(t).send(new s3.GetBucketReplicationCommand({ Bucket: SOURCE })), {
      error: "ReplicationConfigurationNotFoundError",
      status: 404,
    });
  });
}
