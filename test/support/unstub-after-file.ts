/**
 * Every test file's environment stubs undone when the file ends. vitest's `unstubEnvs` undoes them
 * *before* each test, so a file's last stub outlived it; with `isolate: false` the next file in
 * the same worker ran its `beforeAll` under it (CI: trend.test.ts's audits met answer-turns.test.ts's
 * REPLGUARD_COALESCE_MS="2.5" and were refused).
 */
import { afterAll, vi } from "vitest";

afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});
