import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetBucketVersioningCommand, ListBucketsCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { CallRecord, Sandbox } from "../../src/sandbox/types.js";
import { ACCOUNTS } from "../support/accounts.js";
import { afterSigning, clientConfig } from "../support/sandbox.js";
import { smallScenario } from "../support/scenarios/small.js";

describe("sandbox/calls", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: smallScenario() });
  });
  afterAll(() => sandbox.close());

  it("records each call with its AWS operation name, and serves the same log at /_sandbox/calls", async () => {
    const s3 = new S3Client({ ...clientConfig(sandbox), forcePathStyle: true });
    await s3.send(new ListBucketsCommand({}));
    await s3.send(new GetBucketVersioningCommand({ Bucket: "mgmt-trail" })).catch(() => undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket: "mgmt-trail", VersioningConfiguration: { Status: "Enabled" } })).catch(() => undefined);
    await new OrganizationsClient(clientConfig(sandbox)).send(new ListAccountsCommand({}));

    expect(sandbox.calls.map((c) => [c.service, c.operation, c.account, c.mutating])).toEqual([
      ["s3", "ListBuckets", ACCOUNTS.management, false],
      ["s3", "GetBucketVersioning", ACCOUNTS.management, false],
      ["s3", "PutBucketVersioning", ACCOUNTS.management, true],
      ["organizations", "ListAccounts", ACCOUNTS.management, false],
    ]);
    expect(sandbox.calls[1]).toMatchObject({ bucket: "mgmt-trail", region: "us-east-1" });
    expect(sandbox.calls.every((c) => Number.isInteger(c.serverMicros) && c.serverMicros >= 0)).toBe(true);

    const response = await fetch(`${sandbox.endpoint}/_sandbox/calls`);
    expect(response.headers.get("content-type")).toBe("application/json");
    const served = (await response.json()) as CallRecord[];
    expect(served).toEqual(sandbox.calls);
  });

  it("names the bucket of a virtual-hosted request from the Host header", async () => {
    const virtual = new S3Client({ ...clientConfig(sandbox), endpoint: sandbox.endpoint.replace("127.0.0.1", "localhost") });
    // The SDK signs Host: mgmt-trail.localhost:PORT; connect to 127.0.0.1 as *.localhost does not resolve everywhere.
    afterSigning(virtual, (request) => {
      expect(request.headers["host"]).toMatch(/^mgmt-trail\.localhost:\d+$/);
      request.hostname = "127.0.0.1";
    });
    await virtual.send(new GetBucketVersioningCommand({ Bucket: "mgmt-trail" })).catch(() => undefined);
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "s3", operation: "GetBucketVersioning", bucket: "mgmt-trail" });
  });
});
