import { ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { createFaultInjector, mergeFaults } from "../../src/sandbox/core/faults.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { clientConfig, failure } from "../support/sandbox.js";
import { smallScenario } from "../support/scenarios/small.js";

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
    // Seed 2 throttles the first call and lets the second through: one retry, at the SDK's own
    // throttling backoff (under a second), recognised from the answer alone.
    const sandbox = await startSandbox({ scenario: smallScenario(), faults: { throttleRate: 0.5, seed: 2 } });
    try {
      const answer = await new STSClient({ ...clientConfig(sandbox), maxAttempts: 3 }).send(new GetCallerIdentityCommand({}));
      expect([answer.Account, answer.$metadata.attempts]).toEqual(["111111111111", 2]);
      expect(sandbox.calls.map((c) => c.status)).toEqual([400, 200]);
    } finally {
      await sandbox.close();
    }
  });

  it("delays each answer, throttled or not, by the latency drawn for that call, and records it apart from server time", async () => {
    // Measured by what it changes (the delay each answer gets), not by a clock; `npm run bench`
    // prints the wall time it adds. The scenario's latency merges with the options' throttling.
    const scenarioFaults = { latencyMs: 20, jitterMs: 10 };
    const optionFaults = { throttleRate: 0.5, seed: 5 };
    const sandbox = await startSandbox({ scenario: { ...smallScenario(), faults: scenarioFaults }, faults: optionFaults });
    try {
      const sts = new STSClient(clientConfig(sandbox));
      for (let i = 0; i < 4; i++) await sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);
      const drawn = createFaultInjector(mergeFaults(scenarioFaults, optionFaults));
      const expected = Array.from({ length: 4 }, () => drawn.next()).map((d): [number, number] => [d.throttled ? 400 : 200, d.latencyMs]);
      expect(sandbox.calls.map((c) => [c.status, c.injectedLatencyMs])).toEqual(expected);
      expect(expected.map(([status]) => status)).toEqual([200, 200, 200, 400]);
      expect(new Set(expected.map(([, latency]) => latency)).size).toBe(4);
      expect(expected.every(([, latency]) => latency >= 20 && latency < 30)).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it("injects no latency unless asked", async () => {
    const sandbox = await startSandbox({ scenario: smallScenario() });
    try {
      await new STSClient(clientConfig(sandbox)).send(new GetCallerIdentityCommand({}));
      expect(sandbox.calls.map((c) => c.injectedLatencyMs)).toEqual([0]);
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
