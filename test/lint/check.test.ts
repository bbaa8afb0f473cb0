/**
 * `npm run check` (scripts/check.js): the static half from the start, beside the build followed by
 * the tests (and the precompiled validators, written while they start), in one process. Its exit status is the conjunction of both halves, a failed build runs
 * no test, and the static half's report is printed whole after the tests' output.
 */
import { describe, expect, it } from "vitest";
import { runCheck, type CheckSteps } from "../../scripts/check.js";

/** Steps that record the order they ran and ended in; `fail` names the ones that fail. */
function steps(fail: { static?: boolean; build?: boolean; test?: boolean } = {}): CheckSteps & { log: string[] } {
  const log: string[] = [];
  let release: () => void = () => undefined;
  // The static half ends only once the tests have started: it runs beside them, not before.
  const testsStarted = new Promise<void>((resolve) => (release = resolve));
  return {
    log,
    staticHalf: async () => {
      log.push("static:start");
      if (!fail.build) await testsStarted;
      log.push("static:end");
      return { ok: !fail.static, output: "STATIC-REPORT\n" };
    },
    build: async () => {
      log.push("build");
      if (fail.build) throw new Error("esbuild said no");
    },
    test: async () => {
      log.push("test");
      release();
      return fail.test ? 1 : 0;
    },
    print: (text) => log.push(`print:${text.trimEnd()}`),
  };
}

describe("scripts/check", () => {
  it("runs the static half beside build-then-test and exits 0 when both pass, printing the static report last", async () => {
    const s = steps();
    expect(await runCheck(s)).toBe(0);
    expect(s.log).toEqual(["static:start", "build", "test", "static:end", "print:STATIC-REPORT"]);
  });

  it("exits 1 when only the static half fails, the tests having run", async () => {
    const s = steps({ static: true });
    expect(await runCheck(s)).toBe(1);
    expect(s.log).toContain("test");
    expect(s.log.at(-1)).toBe("print:STATIC-REPORT");
  });

  it("exits 1 when only the tests fail", async () => {
    expect(await runCheck(steps({ test: true }))).toBe(1);
  });

  it("runs no test after a failed build, says so in one line, and still reports the static half", async () => {
    const s = steps({ build: true });
    expect(await runCheck(s)).toBe(1);
    expect(s.log).not.toContain("test");
    expect(s.log).toContain("print:check: build:emit failed: esbuild said no");
    expect(s.log.at(-1)).toBe("print:STATIC-REPORT");
  });

  it("writes the precompiled validators once the tests have started, not before, and fails (in one line) when that fails", async () => {
    const s = steps();
    expect(await runCheck({ ...s, precompile: async () => void s.log.push("precompile") })).toBe(0);
    expect(s.log.slice(0, 4)).toEqual(["static:start", "build", "test", "precompile"]);
    const failing = steps();
    const code = await runCheck({ ...failing, precompile: () => Promise.reject(new Error("ajv said no")) });
    expect(code).toBe(1);
    expect(failing.log).toContain("print:check: precompile-schemas failed: ajv said no");
    expect(failing.log.at(-1)).toBe("print:STATIC-REPORT");
  });

  it("fails, with one line, when the static half cannot start", async () => {
    const s = steps();
    const printed: string[] = [];
    const code = await runCheck({ ...s, staticHalf: () => Promise.reject(new Error("spawn tsc ENOENT")), print: (text) => printed.push(text) });
    expect(code).toBe(1);
    expect(printed).toEqual(["check: the static half failed: spawn tsc ENOENT\n"]);
  });
});
