/**
 * The lean read path's signer against `@smithy/signature-v4` with S3's settings (the signer the
 * lean path used before, and the SDK client's): the same request at the same time gets the same
 * headers, value for value and in the same order, with and without a session token, virtual-hosted
 * and path style, across a day boundary and a change of credentials (the cached signing key).
 */
import { describe, expect, it } from "vitest";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, SourceData } from "@smithy/types";
import { LeanSigner, type LeanRequest } from "../../src/aws/lean-signer.js";

/** node:crypto in the shape SignatureV4 wants (as the lean path gave it). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", Buffer.from(secret as string | Uint8Array));
  }
  update(data: SourceData): void {
    this.hash.update(typeof data === "string" ? data : Buffer.from(data as Uint8Array));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

async function sdkHeaders(credentials: AwsCredentialIdentity, request: LeanRequest, at: Date): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region: request.region, service: request.service, sha256: NodeSha256, uriEscapePath: false, applyChecksum: true });
  const [hostname, port] = request.host.split(":");
  const signed = await signer.sign(
    { method: "GET", protocol: "https:", hostname: hostname!, ...(port === undefined ? {} : { port: Number(port) }), path: request.path, query: { [request.query]: "" }, headers: { host: request.host } },
    { signingDate: at },
  );
  return signed.headers;
}

const REQUESTS: LeanRequest[] = [
  { host: "my-bucket.s3.eu-west-1.amazonaws.com", path: "/", query: "versioning", region: "eu-west-1", service: "s3" },
  { host: "127.0.0.1:4566", path: "/my-bucket-2/", query: "replication", region: "us-east-1", service: "s3" },
  { host: "b0.s3.dualstack.eu-central-1.amazonaws.com", path: "/", query: "object-lock", region: "eu-central-1", service: "s3" },
  { host: "b1.s3-fips.us-gov-west-1.amazonaws.com", path: "/", query: "encryption", region: "us-gov-west-1", service: "s3" },
  { host: "b2.s3.cn-north-1.amazonaws.com.cn", path: "/", query: "tagging", region: "cn-north-1", service: "s3" },
];

describe("aws/lean signer", () => {
  it("signs every request shape exactly as @smithy/signature-v4 does, across days and credentials", async () => {
    const sessions: AwsCredentialIdentity[] = [
      { accessKeyId: "ASIAEXAMPLE1", secretAccessKey: "secret/one+key", sessionToken: "token-one==" },
      { accessKeyId: "ASIAEXAMPLE2", secretAccessKey: "secret-two", sessionToken: "token-two" },
      { accessKeyId: "AKIALONGTERM", secretAccessKey: "long-term-secret" },
    ];
    // One signer whose credentials change under it (a refreshed session), as an account's are.
    let current = sessions[0]!;
    const signer = new LeanSigner(() => Promise.resolve(current));
    const times = [Date.UTC(2026, 10, 29, 23, 59, 58, 900), Date.UTC(2026, 10, 29, 23, 59, 58, 10), Date.UTC(2026, 10, 30, 0, 0, 1), Date.UTC(2026, 10, 30, 0, 0, 1, 500)];
    let compared = 0;
    for (const credentials of sessions) {
      current = credentials;
      for (const time of times) {
        for (const request of REQUESTS) {
          const at = new Date(time);
          const lean = await signer.sign(request, at);
          const sdk = await sdkHeaders(credentials, request, at);
          expect(Object.entries(lean), `${request.host} ${request.query} ${at.toISOString()}`).toEqual(Object.entries(sdk));
          compared++;
        }
      }
    }
    expect(compared).toBe(sessions.length * times.length * REQUESTS.length);
  });

  it("refuses credentials without a key, as the SDK's signer does", async () => {
    const signer = new LeanSigner(() => Promise.resolve({ accessKeyId: "A" } as AwsCredentialIdentity));
    await expect(signer.sign(REQUESTS[0]!, new Date())).rejects.toThrow("Resolved credential object is not valid");
  });
});
