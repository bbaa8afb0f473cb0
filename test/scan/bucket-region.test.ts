import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateBucketCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { scan } from "../../src/scan/index.js";
import { sharedMotoOrSkip, type MotoServer } from "../support/moto.js";

// moto's ListBuckets answers without BucketRegion (as S3 did before 2024): the GetBucketLocation path.
const credentials = { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "moto" };
let moto: MotoServer | undefined;

beforeAll(async () => {
  moto = await sharedMotoOrSkip();
  if (moto === undefined) return;
  const endpoint = moto.endpoint;
  const client = (region: string) => new S3Client({ endpoint, region, forcePathStyle: true, credentials });
  const east = client("us-east-1");
  const west = client("eu-west-1");
  await east.send(new CreateBucketCommand({ Bucket: "home-region-bucket" }));
  await west.send(new CreateBucketCommand({ Bucket: "ireland-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
  for (const [c, Bucket] of [[east, "home-region-bucket"], [west, "ireland-bucket"]] as const) {
    await c.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
  }
  await west.send(
    new PutBucketReplicationCommand({
      Bucket: "ireland-bucket",
      ReplicationConfiguration: {
        Role: "arn:aws:iam::123456789012:role/repl",
        Rules: [{ ID: "to-home", Priority: 1, Filter: { Prefix: "" }, DeleteMarkerReplication: { Status: "Disabled" }, Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::home-region-bucket" } }],
      },
    }),
  );
});

afterAll(async () => {
  await moto?.stop();
});

describe("scan/listBuckets", () => {
  it("falls back to GetBucketLocation when ListBuckets gives no BucketRegion, an empty location meaning us-east-1", async (context) => {
    // sharedMotoOrSkip throws under CI when moto is missing; elsewhere it says why and the test skips.
    if (moto === undefined) return context.skip();
    const result = await scan({ endpoint: moto!.endpoint, credentials, region: "us-east-1", singleAccount: true });
    expect(result.buckets.map((b) => [b.name, b.region])).toEqual([
      ["home-region-bucket", "us-east-1"],
      ["ireland-bucket", "eu-west-1"],
    ]);
    expect(result.coverage.complete).toBe(true);
    // Facts were read through the bucket's own region (moto refuses a cross-region read).
    const ireland = result.buckets.find((b) => b.name === "ireland-bucket");
    expect(ireland?.versioning?.status).toBe("Enabled");
    expect(ireland?.replication?.rules[0]?.destination).toMatchObject({ resolution: "resolved", account: "123456789012", crossAccount: false, crossRegion: true });
    expect(result.buckets.find((b) => b.name === "home-region-bucket")?.isReplicaDestination).toBe(true);
  });
});
