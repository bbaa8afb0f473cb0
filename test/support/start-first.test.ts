import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { START_FIRST, startFirst } from "./start-first.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("vitest's file order (test/support/start-first.ts)", () => {
  it("moves the listed files to the front in the list's order and keeps the others' order", () => {
    const files = ["/r/test/a.test.ts", "/r/test/report/slow.test.ts", "/r/test/b.test.ts", "/r/test/cli/slower.test.ts", "/r/test/c.test.ts"].map((moduleId) => ({ moduleId }));
    const sorted = startFirst(files, ["test/cli/slower.test.ts", "test/report/slow.test.ts", "test/missing.test.ts"]).map((f) => f.moduleId);
    expect(sorted).toEqual(["/r/test/cli/slower.test.ts", "/r/test/report/slow.test.ts", "/r/test/a.test.ts", "/r/test/b.test.ts", "/r/test/c.test.ts"]);
  });

  it("lists only test files that exist (a renamed file would silently start in vitest's order)", () => {
    expect(START_FIRST.filter((path) => !path.endsWith(".test.ts") || !existsSync(join(root, path)))).toEqual([]);
    expect(new Set(START_FIRST).size).toBe(START_FIRST.length);
  });
});
