/**
 * The reference-tool helpers: a missing moto_server or AWS CLI skips outside CI and fails under
 * CI=true, and a started moto really answers and really stops.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { findOnPath, requireToolOrSkip } from "./executables.js";
import { MOTO_INSTALL_HINT, MotoUnavailableError, startMoto, startMotoOrSkip } from "./moto.js";

describe("test/support/moto", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("skips (resolves undefined, saying how to install) when moto_server is not on PATH outside CI", async () => {
    vi.stubEnv("PATH", "/nonexistent");
    vi.stubEnv("CI", "");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await expect(startMotoOrSkip()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(MOTO_INSTALL_HINT));
  });

  it("fails when moto_server is not on PATH under CI=true", async () => {
    vi.stubEnv("PATH", "/nonexistent");
    vi.stubEnv("CI", "true");
    await expect(startMotoOrSkip()).rejects.toBeInstanceOf(MotoUnavailableError);
    expect(() => requireToolOrSkip("aws", "pip install awscli")).toThrow(/CI=true requires it/);
  });

  it.skipIf(findOnPath("moto_server") === undefined)("starts moto_server on a free loopback port and stops it", async () => {
    const moto = await startMoto();
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${moto.endpoint}/moto-api/`)).ok).toBe(true);
    await moto.reset();
    await moto.stop();
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  });
});
