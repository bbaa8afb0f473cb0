import { afterEach, describe, expect, it, vi } from "vitest";
import { envSwitch } from "../src/env-switch.js";
import { UsageError } from "../src/errors.js";
import { scan } from "../src/scan/index.js";

afterEach(() => void vi.unstubAllEnvs());

describe("envSwitch: an on/off setting from the environment", () => {
  it("reads 1 as on, 0 as off, unset or empty as the caller's default", () => {
    vi.stubEnv("REPLGUARD_TEST_SWITCH", "1");
    expect(envSwitch("REPLGUARD_TEST_SWITCH")).toBe(true);
    vi.stubEnv("REPLGUARD_TEST_SWITCH", "0");
    expect(envSwitch("REPLGUARD_TEST_SWITCH")).toBe(false);
    vi.stubEnv("REPLGUARD_TEST_SWITCH", "");
    expect(envSwitch("REPLGUARD_TEST_SWITCH")).toBeUndefined();
    vi.stubEnv("REPLGUARD_TEST_SWITCH", undefined);
    expect(envSwitch("REPLGUARD_TEST_SWITCH")).toBeUndefined();
  });

  it("refuses any other value by name instead of falling back to the default", () => {
    vi.stubEnv("REPLGUARD_TEST_SWITCH", "yes");
    expect(() => envSwitch("REPLGUARD_TEST_SWITCH")).toThrow(UsageError);
    expect(() => envSwitch("REPLGUARD_TEST_SWITCH")).toThrow('REPLGUARD_TEST_SWITCH must be 0 or 1, got "yes"');
  });

  it("a bad REPLGUARD_ACCESS_AHEAD stops the scan before any call", async () => {
    vi.stubEnv("REPLGUARD_ACCESS_AHEAD", "off");
    // Nothing listens on port 9: a scan that got as far as a call would fail with a network error instead.
    await expect(scan({ endpoint: "http://127.0.0.1:9", region: "us-east-1" })).rejects.toThrow('REPLGUARD_ACCESS_AHEAD must be 0 or 1, got "off"');
  });
});
