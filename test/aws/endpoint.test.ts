import { afterEach, describe, expect, it } from "vitest";
import { scan } from "../../src/scan/index.js";
import { withSandbox } from "../support/scan.js";
import { ACCOUNTS } from "../support/accounts.js";

describe("aws/AwsClientFactory", () => {
  const saved = { url: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION };
  afterEach(() => {
    if (saved.url === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved.url;
    if (saved.region === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved.region;
  });

  it("follows AWS_ENDPOINT_URL and AWS_REGION for every client when no endpoint or region is given", async () => {
    await withSandbox(async (sandbox) => {
      process.env.AWS_ENDPOINT_URL = sandbox.endpoint;
      process.env.AWS_REGION = "eu-west-1";
      const result = await scan({ credentials: sandbox.credentials, accounts: [ACCOUNTS.backup] });
      expect(result.scan.endpoint).toBe(sandbox.endpoint);
      expect(result.buckets.map((b) => b.name)).toEqual(["backup-vault"]);
      expect(sandbox.calls.find((c) => c.operation === "ListBuckets")?.region).toBe("eu-west-1");
      expect(sandbox.calls.find((c) => c.operation === "GetBucketVersioning")?.region).toBe("eu-west-1");
    });
  });
});
