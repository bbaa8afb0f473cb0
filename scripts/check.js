// `npm run check`, what CI runs: build, type-check and lint side by side, then the tests.
// tsc and ESLint each keep one core busy for most of their run, so on two cores the three static
// checks finish in about the time of the longest instead of the sum. Each one's output is held
// and printed whole when it ends, so the log reads as if they ran one after another. The tests
// start only when all three pass (a type error is cheaper to read than the tests it breaks).
import { spawn } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs `npm run <script>`; resolves with its exit code and its combined output. */
function run(script, options = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(npm, ["run", "--silent", script], { stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => (output += `${error.message}\n`));
    child.on("close", (code, signal) => resolve({ script, code: code ?? (signal === null ? 1 : 128), output, seconds: (Date.now() - started) / 1000 }));
  });
}

const report = ({ script, code, output, seconds }) => {
  process.stdout.write(`\n> ${script} (${seconds.toFixed(1)} s)${code === 0 ? "" : `: failed with exit code ${code}`}\n${output}`);
};

const statics = await Promise.all(
  ["build", "typecheck", "lint"].map(async (script) => {
    const result = await run(script);
    report(result);
    return result;
  }),
);
const failed = statics.filter((result) => result.code !== 0);
if (failed.length > 0) {
  console.error(`\ncheck: ${failed.map((r) => r.script).join(", ")} failed; tests not run`);
  process.exit(1);
}
const tests = await run("test", { inherit: true });
process.exit(tests.code);
