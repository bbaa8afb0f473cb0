import { ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { createFaultInjector, mergeFaults } from "../../src/sandbox/core/faults.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { clientConfig, failure, smallScenario } from "./fixtures.js";

describe("sandbox/faults", () => {
  it("throttles every service in its own words at rate 1.0", async () => {
    const sandbox = await startSandbox({ scenario: smallScenario(), faults: { throttleRate: 1 } });
    try {
      const s3 = await failure(new S3Client({ ...clientConfig(sandbox), forcePathStyle: true }).send(new ListBucketsCommand({})));
      expect([s3.name, s3.$metadata.httpStatusCode]).toEqual(["SlowDown", 503]);
      const org = await failure(new OrganizationsClient(clientConfig(sandbox)).send(new ListRootsCommand({})));
      expect([org.name, org.$metadata.httpStatusCode]).toEqual(["TooManyRequestsException", 400]);
      const sts = await failure(new STSClient(clientConfig(sandbox)).send(new GetCallerIdentityCommand({})));
      expect([sts.name, sts.$metadata.httpStatusCode]).toEqual(["Throttling", 400]);
      expect(sandbox.calls.map((c) => c.status)).toEqual([503, 400, 400]);
    } finally {
      await sandbox.close();
    }
  });

  it("lets the SDK's retries get through a partial throttle rate", async () => {
    const sandbox = await startSandbox({ scenario: smallScenario(), faults: { throttleRate: 0.5, seed: 7 } });
    try {
      const sts = new STSClient({ ...clientConfig(sandbox), maxAttempts: 10 });
      for (let i = 0; i < 3; i++) expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe("111111111111");
      expect(sandbox.calls.some((c) => c.status === 400)).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it("delays every answer by the configured latency without counting it as server time", async () => {
    const sandbox = await startSandbox({ scenario: { ...smallScenario(), faults: { latencyMs: 150 } } });
    try {
      const sts = new STSClient(clientConfig(sandbox));
      await sts.send(new GetCallerIdentityCommand({}));
      const started = performance.now();
      await sts.send(new GetCallerIdentityCommand({}));
      expect(performance.now() - started).toBeGreaterThanOrEqual(145);
      expect(sandbox.calls[1]!.serverMicros).toBeLessThan(50_000);
    } finally {
      await sandbox.close();
    }
  });

  it("draws the same faults from the same seed, and different ones from another", () => {
    const draw = (seed: number) => {
      const faults = createFaultInjector(mergeFaults({ throttleRate: 0.3, jitterMs: 20, seed }, undefined));
      return Array.from({ length: 50 }, () => faults.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    const throttled = draw(42).filter((d) => d.throttled).length;
    expect(throttled).toBeGreaterThan(5);
    expect(throttled).toBeLessThan(30);
    expect(draw(42).every((d) => d.latencyMs >= 0 && d.latencyMs < 20)).toBe(true);
  });

  it("lets startSandbox options override the scenario's faults field by field", () => {
    expect(mergeFaults({ latencyMs: 5, throttleRate: 0.2, seed: 3 }, { throttleRate: 0 })).toEqual({ latencyMs: 5, jitterMs: 0, throttleRate: 0, seed: 3 });
  });
});
