/**
 * The lean path's parsed-body memo (lean-shapes.ts): equal answers share one parsed tree, so each
 * output must still be the caller's own (a reader that changed one answer would otherwise change
 * every later equal answer), and equal to a parse of its own.
 */
import { describe, expect, it } from "vitest";
import { deserializeOutput, parseXmlBody } from "../../src/aws/lean-shapes.js";

const REPLICATION =
  '<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration><Role>arn:aws:iam::111111111111:role/r</Role>' +
  "<Rule><ID>a</ID><Priority>1</Priority><Filter/><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination>" +
  "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>";

describe("aws/lean shapes", () => {
  it("gives each equal answer an output of its own, equal to a fresh parse", () => {
    const first = deserializeOutput("replication", REPLICATION) as { ReplicationConfiguration: { Rules: { Destination: { Bucket: string } }[] } };
    first.ReplicationConfiguration.Rules[0]!.Destination.Bucket = "changed";
    first.ReplicationConfiguration.Rules.push({ Destination: { Bucket: "extra" } });
    const second = deserializeOutput("replication", REPLICATION);
    expect(second).toEqual({
      ReplicationConfiguration: {
        Role: "arn:aws:iam::111111111111:role/r",
        Rules: [{ ID: "a", Priority: 1, Filter: {}, Status: "Enabled", Destination: { Bucket: "arn:aws:s3:::dst" }, DeleteMarkerReplication: { Status: "Disabled" } }],
      },
    });
    expect(parseXmlBody(REPLICATION)).toMatchObject({ Role: "arn:aws:iam::111111111111:role/r" });
    const versioning = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
    const a = deserializeOutput("versioning", versioning);
    const b = deserializeOutput("versioning", versioning);
    expect(a).toEqual({ Status: "Enabled" });
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
  });
});
