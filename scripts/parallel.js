// `node scripts/parallel.js build typecheck lint`: runs those npm scripts side by side and fails if
// any fails. `npm run check` uses it for the static checks: tsc and ESLint each keep one core busy
// for most of their run, so on two cores the three finish in about the time of the longest instead
// of the sum. Each one's output is held and printed whole when it ends, so the log reads as if they
// ran one after another.
import { spawn } from "node:child_process";

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error("usage: node scripts/parallel.js <npm script>...");
  process.exit(2);
}

/** Runs `npm run <script>`; resolves with its exit code and its combined output. */
function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => (output += `${error.message}\n`));
    child.on("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n> ${script} (${seconds} s)${code === 0 ? "" : `: failed with exit code ${code ?? "none (killed)"}`}\n${output}`);
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(scripts.map(run));
const failed = scripts.filter((_, i) => !results[i]);
if (failed.length > 0) {
  console.error(`\n${failed.join(", ")} failed`);
  process.exit(1);
}
