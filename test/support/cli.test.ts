/**
 * The process tests start the built executable only when dist/ is up to date with src/, so a
 * `npx vitest run` after an edit never tests a stale build (it falls back to tsx).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliCommand, distIsFresh, importable } from "./cli.js";

const root = mkdtempSync(join(tmpdir(), "replguard-dist-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, mtimeSeconds: number): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), "");
  utimesSync(join(root, path), mtimeSeconds, mtimeSeconds);
}

describe("test/support/cli distIsFresh", () => {
  it("is false without dist/, true once every source has a newer build, false after an edit or a new source", () => {
    file("src/cli/main.ts", 1_000);
    file("src/model/types.ts", 1_000);
    expect(distIsFresh(root)).toBe(false);
    file("dist/cli/main.js", 2_000);
    expect(distIsFresh(root)).toBe(false); // model/types.js missing
    file("dist/model/types.js", 2_000);
    expect(distIsFresh(root)).toBe(true);
    file("src/model/types.ts", 3_000);
    expect(distIsFresh(root)).toBe(false);
    file("dist/model/types.js", 3_000);
    file("src/new.ts", 3_000);
    expect(distIsFresh(root)).toBe(false);
  });

  it("starts dist/cli/main.js or src/cli/main.ts through tsx, with this Node", () => {
    const [node, ...entry] = cliCommand();
    expect(node).toBe(process.execPath);
    expect([["dist/cli/main.js"], ["--import", "tsx", "src/cli/main.ts"]]).toContainEqual(entry.map((arg) => arg.replace(/^.*\/(dist|src)\//, "$1/")));
  });

  it("gives a spawned Node a module of src/ the way it starts the executable: built without a loader, or the source through tsx", () => {
    const built = cliCommand()[1]!.endsWith(".js");
    const heap = importable("cli/heap.ts");
    expect([heap.nodeArgs, heap.file.replace(/^.*\/(dist|src)\//, "$1/")]).toEqual(built ? [[], "dist/cli/heap.js"] : [["--import", "tsx"], "src/cli/heap.ts"]);
    expect(existsSync(heap.file)).toBe(true);
  });
});
