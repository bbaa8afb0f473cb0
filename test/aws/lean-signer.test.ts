/**
 * The lean path's signer (src/aws/lean-signer.ts): the same signed headers as `@smithy/signature-v4`'s
 * own `SignatureV4` for every request (days, seconds, Regions, a credentials refresh), with the
 * signing key derived once per signer and day, however many signers sign at once (the signer's own
 * cache holds 50 keys and kept missing with more: its string-keyed HMACs then ran on every signature).
 */
import { describe, expect, it } from "vitest";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, SourceData } from "@smithy/types";
import { NodeSha256 } from "../../src/aws/lean-sha256.js";
import { LeanSignatureV4 } from "../../src/aws/lean-signer.js";

/** NodeSha256, counting the HMACs keyed by a string (the signer makes them only while deriving a signing key). */
function counting(): { Sha256: typeof NodeSha256; keyed: () => number } {
  let keyed = 0;
  class Counting extends NodeSha256 {
    constructor(secret?: SourceData) {
      super(secret);
      if (typeof secret === "string") keyed++;
    }
  }
  return { Sha256: Counting, keyed: () => keyed };
}

const request = (bucket: string) => ({ method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 4566, path: `/${bucket}/`, query: { versioning: "" }, headers: { host: "127.0.0.1:4566" } });
const init = (credentials: () => Promise<AwsCredentialIdentity>, region: string, sha256: typeof NodeSha256) =>
  ({ credentials, region, service: "s3", sha256, uriEscapePath: false, applyChecksum: true }) as const;

describe("aws/lean signer", () => {
  it("signs every request as SignatureV4 does: across seconds, days, Regions and a credentials refresh", async () => {
    let credentials: AwsCredentialIdentity = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-one", sessionToken: "token-one" };
    const provider = () => Promise.resolve(credentials);
    const dates = ["2026-11-29T23:59:58.100Z", "2026-11-29T23:59:58.900Z", "2026-11-29T23:59:59.000Z", "2026-11-30T00:00:00.500Z", "2026-11-30T00:00:00.700Z"];
    for (const region of ["us-east-1", "eu-west-1"]) {
      const ours = new LeanSignatureV4(init(provider, region, NodeSha256));
      const theirs = new SignatureV4(init(provider, region, NodeSha256));
      for (const [i, date] of dates.entries()) {
        // A refresh halfway: new credentials, so a new signing key.
        if (i === 3) credentials = { accessKeyId: "AKIDOTHER", secretAccessKey: "secret-two", sessionToken: "token-two" };
        for (const bucket of ["a-bucket", "b-bucket"]) {
          const signingDate = new Date(date);
          const mine = await ours.sign(request(bucket), { signingDate });
          expect(mine.headers).toEqual((await theirs.sign(request(bucket), { signingDate })).headers);
          expect(mine.headers["x-amz-date"]).toBe(date.replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, ""));
        }
      }
      credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-one", sessionToken: "token-one" };
    }
  });

  it("derives each signer's key once a day, with more signers at once than the signer's own cache holds", async () => {
    const credentials: AwsCredentialIdentity = { accessKeyId: "AKIDMANY", secretAccessKey: "secret-many", sessionToken: "token-many" };
    const provider = () => Promise.resolve(credentials);
    const regions = Array.from({ length: 60 }, (_, i) => `test-region-${i}`);
    const signingDate = new Date("2026-11-30T01:00:00Z");
    const signAll = async (make: (region: string, sha256: typeof NodeSha256) => SignatureV4): Promise<number> => {
      const { Sha256, keyed } = counting();
      const signers = regions.map((region) => make(region, Sha256));
      // Three rounds over 60 signers: each signer's key is evicted from a 50-key cache before its next turn.
      for (let round = 0; round < 3; round++) for (const signer of signers) await signer.sign(request("a-bucket"), { signingDate });
      return keyed();
    };
    // Ours: one derivation per signer (the credentials' HMAC and the derivation's first step: 2 keyed by a string).
    expect(await signAll((region, sha256) => new LeanSignatureV4(init(provider, region, sha256)))).toBe(60 * 2);
    // The signer alone: the credentials' HMAC on every signature, and the key derived again at each miss.
    expect(await signAll((region, sha256) => new SignatureV4(init(provider, region, sha256)))).toBe(3 * 60 * 2);
  });
});
