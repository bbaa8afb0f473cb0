import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { startFirst } from "./test/support/start-first.js";

/** vitest's order with the suite's longest files first (test/support/start-first.ts says why). */
class StartLongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return startFirst(await super.sort(files));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores on CI machines, but a test often waits (on a spawned CLI, moto, Chromium, a
    // sandbox's answers): a third fork fills that idle CPU (`npm run check` on the 2-core machine,
    // warm caches: 83.4 s with two forks, 77.0–81.7 s with three; four were slower again, 90 s).
    maxWorkers: 3,
    // Child processes, not threads: process-wide state (signal handlers, process.stdout, the exit
    // code) belongs to a process, and threads saved no CPU once imports are shared (below).
    pool: "forks",
    sequence: { sequencer: StartLongFilesFirst },
    // Each worker imports the AWS SDK, ajv and the policies once for all its files instead of once
    // per file: importing was more than half of the suite's CPU time (86 → 37 CPU-seconds on the
    // in-process files). It asks every test file to leave the process as it found it: tests
    // restore the environment variables they set (vi.stubEnv is undone below even if they forget),
    // close the sandboxes they start, and keep their state in the file, not in a module.
    isolate: false,
    // REPLGUARD_CPU_LOG=<file>: each test file's CPU-seconds, children included (test/support/cpu-per-file.ts).
    // One temporary directory for the whole run, removed at its end (test/support/temp-root.ts).
    globalSetup: ["test/support/temp-root.ts"],
    // Each file's environment stubs undone at its end (test/support/unstub-after-file.ts says why).
    setupFiles: ["test/support/unstub-after-file.ts", ...(process.env["REPLGUARD_CPU_LOG"] ? ["test/support/cpu-per-file.ts"] : [])],
    unstubEnvs: true,
    unstubGlobals: true,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // Transformed modules kept on disk between runs (keyed by content), in the worktree's
    // own .tmp/ (node_modules may be shared between checkouts): a re-run transforms only what
    // changed, about a tenth of the CPU of a small run. `rm -rf .tmp/vitest-module-cache` empties it.
    experimental: { fsModuleCache: true, fsModuleCachePath: ".tmp/vitest-module-cache" },
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-report.json" },
  },
});
