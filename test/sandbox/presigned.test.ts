import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { smallScenario } from "../support/scenarios/small.js";
import { Sha256 } from "../support/sha256.js";


describe("sandbox/presigned", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: smallScenario() });
  });
  afterAll(() => sandbox.close());

  async function presignedUrl(signingDate: Date, expiresIn: number, secretAccessKey = sandbox.credentials.secretAccessKey): Promise<string> {
    const url = new URL(sandbox.endpoint);
    const signer = new SignatureV4({
      credentials: { ...sandbox.credentials, secretAccessKey },
      region: "us-east-1",
      service: "s3",
      sha256: Sha256,
      uriEscapePath: false,
    });
    const request = await signer.presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: "/mgmt-trail",
        query: { versioning: "" },
        // As @aws-sdk/s3-request-presigner does: presigned S3 URLs sign UNSIGNED-PAYLOAD, and the header is not sent.
        headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      { signingDate, expiresIn, unsignableHeaders: new Set(["x-amz-content-sha256"]) },
    );
    const query = Object.entries(request.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
    return `${sandbox.endpoint}${request.path}?${query.join("&")}`;
  }

  it("accepts a presigned URL within its expiry", async () => {
    const response = await fetch(await presignedUrl(new Date(), 300));
    expect(response.status).toBe(200);
    expect(sandbox.calls.at(-1)).toMatchObject({ operation: "GetBucketVersioning", account: ACCOUNTS.management, status: 200 });
  });

  it("refuses a presigned URL past X-Amz-Expires with AccessDenied", async () => {
    const response = await fetch(await presignedUrl(new Date(Date.now() - 120_000), 60));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Message>Request has expired</Message>");
  });

  it("refuses a presigned URL signed with the wrong secret", async () => {
    const response = await fetch(await presignedUrl(new Date(), 300, "not-the-secret"));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });
});
