/**
 * The CLI's inlining limit for V8's optimising compiler (src/cli/inlining.ts, docs/scale.md
 * "Policy evaluation"): applied at run time, visible in what TurboFan inlines; its variable's bad
 * values refused as the user's mistake, by the executable too (exit 2).
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INLINED_BYTECODE_LIMIT, limitInlining } from "../../src/cli/inlining.js";
import { UsageError } from "../../src/errors.js";
import { importable, runCli } from "../support/cli.js";
import { tempDir } from "../support/temp-dir.js";

/**
 * A hot function calling ten distinct callees of 70 bytes of bytecode each: TurboFan, once it
 * optimises `hot`, inlines all ten under V8's cumulative limit (920 bytes) and at most
 * limit ÷ 70 of them under a smaller one. `--trace-turbo-inlining` prints each inlining; with
 * `--no-concurrent-recompilation` on the main thread, so that compile threads' lines do not
 * interleave, and into a file: V8 prints with C's stdio, which loses lines on a pipe that Node
 * made non-blocking once it is full.
 */
const INLINING_MODULE = importable("cli/inlining.ts");
const HOT = `
import { limitInlining } from ${JSON.stringify(INLINING_MODULE.file)};
limitInlining();
const body = (k) => "let s = 0; for (let i = 0; i < o.n; i++) { s += (o.a * " + k + " + i) % 7; s ^= o.b + " + k + "; } return s + o.c * " + k + ";";
const ks = Array.from({ length: 10 }, (_, k) => k);
const hot = new Function(ks.map((k) => "function callee" + k + "(o) { " + body(k) + " }").join("\\n") + "\\nreturn function hot(o) { return " + ks.map((k) => "callee" + k + "(o)").join(" + ") + "; };")();
let sum = 0;
for (let i = 0; i < 200000; i++) sum += hot({ n: 3, a: 1, b: 2, c: 3 });
console.log("sum", sum);
`;

/** The distinct callees TurboFan inlined, in a process run with the variable set to `value`. */
async function calleesInlined(value: string): Promise<Set<string>> {
  const { dir, cleanup } = await tempDir("inlining");
  try {
    const trace = join(dir, "trace.txt");
    const out = openSync(trace, "w");
    const run = spawnSync(process.execPath, ["--trace-turbo-inlining", "--no-concurrent-recompilation", ...INLINING_MODULE.nodeArgs, "--input-type=module", "-e", HOT], {
      encoding: "utf8",
      env: { ...process.env, REPLGUARD_INLINED_BYTECODE_LIMIT: value },
      stdio: ["ignore", out, "pipe"],
    });
    closeSync(out);
    const printed = readFileSync(trace, "utf8");
    expect(run.stderr).toBe("");
    expect(printed).toContain("sum ");
    return new Set([...printed.matchAll(/Inlining \S+ \{\S+ <SharedFunctionInfo (callee\d)>\} into/g)].map((match) => match[1]!));
  } finally {
    await cleanup();
  }
}

describe("cli/limitInlining", () => {
  it("limits what TurboFan inlines in the process, and leaves V8's own limit with 0", async () => {
    const limited = await calleesInlined("");
    const own = await calleesInlined("0");
    expect(own.size).toBe(10);
    expect(limited.size).toBeGreaterThan(0);
    expect(limited.size).toBeLessThanOrEqual(Math.floor(INLINED_BYTECODE_LIMIT / 70));
  });

  it("refuses a limit that is not a whole number from 0 to 100,000", () => {
    expect(() => limitInlining({ REPLGUARD_INLINED_BYTECODE_LIMIT: "lots" })).toThrow(UsageError);
    expect(() => limitInlining({ REPLGUARD_INLINED_BYTECODE_LIMIT: "-1" })).toThrow(/REPLGUARD_INLINED_BYTECODE_LIMIT must be a whole number from 0 to 100000, got "-1"/);
    expect(() => limitInlining({ REPLGUARD_INLINED_BYTECODE_LIMIT: "2.5" })).toThrow(UsageError);
  });

  it("makes the executable exit 2 with one line naming the variable when its value is bad", async () => {
    const run = await runCli(["--version"], { env: { REPLGUARD_INLINED_BYTECODE_LIMIT: "fast" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('replguard: REPLGUARD_INLINED_BYTECODE_LIMIT must be a whole number from 0 to 100000, got "fast"\n');
    expect(run.stdout).toBe("");
  });
});
