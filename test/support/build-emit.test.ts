/**
 * `npm run check` builds dist/ with esbuild (scripts/build-emit.js) for the spawned-CLI tests and the
 * worker threads; `npm run build` (tsc) stays the release build. The emitted tree must be what tsc
 * would give those tests: one module per source file (not bundled, imports kept), the executable's
 * shebang, and modules that run and give the same values as the sources.
 */
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEmit } from "../../scripts/build-emit.js";
import * as facts from "../../src/model/facts.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Inside the checkout, so that the emitted modules find node_modules as dist/ does.
const out = join(root, ".tmp", `build-emit-test-${process.pid}`);
let sources: string[];

describe("scripts/build-emit", () => {
  beforeAll(async () => {
    sources = await buildEmit(root, out);
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("writes one .js module per source file, imports kept as written, and the executable's shebang", async () => {
    expect(sources.length).toBeGreaterThan(100);
    const missing = sources.map((s) => relative(join(root, "src"), s).replace(/\.ts$/, ".js")).filter((js) => !existsSync(join(out, js)));
    expect(missing).toEqual([]);
    const executable = await readFile(join(out, "cli", "main.js"), "utf8");
    expect(executable).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(executable).toContain('import { main } from "./program.js";');
  });

  it("gives modules that run and hold the same values as the sources", async () => {
    const emitted = (await import(pathToFileURL(join(out, "model", "facts.js")).href)) as typeof facts;
    expect(emitted.FACTS).toEqual(facts.FACTS);
    expect(emitted.ACCESS_FACTS).toEqual(facts.ACCESS_FACTS);
    expect(emitted.DESTINATION_FACTS).toEqual(facts.DESTINATION_FACTS);
  });
});
