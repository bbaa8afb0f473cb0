import { describe, expect, it } from "vitest";
import { SandboxError } from "../../src/errors.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { smallScenario } from "../support/scenarios/small.js";

describe("sandbox/startSandbox", () => {
  it("prints export lines for the management account's keys and the endpoint", async () => {
    const sandbox = await startSandbox({ scenario: smallScenario() });
    await sandbox.close();
    expect(sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.managementAccountId).toBe(ACCOUNTS.management);
    expect(sandbox.exports().split("\n")).toEqual([
      `export AWS_ENDPOINT_URL=${sandbox.endpoint}`,
      `export AWS_ACCESS_KEY_ID=${sandbox.credentials.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${sandbox.credentials.secretAccessKey}`,
      `export AWS_REGION=${sandbox.region}`,
      `export AWS_DEFAULT_REGION=${sandbox.region}`,
    ]);
  });

  it("answers a SandboxError naming the port when it is taken, and frees it on close", async () => {
    const first = await startSandbox({ scenario: smallScenario() });
    const port = Number(new URL(first.endpoint).port);
    const error = await startSandbox({ scenario: smallScenario(), port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as Error).message).toBe(`The sandbox could not listen on 127.0.0.1:${port}: port ${port} is already in use`);
    await first.close();
    const second = await startSandbox({ scenario: smallScenario(), port });
    expect(second.endpoint).toBe(first.endpoint);
    await second.close();
  });
});
