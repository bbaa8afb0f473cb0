/**
 * The generated organization every bench audits: `replguard sandbox --generate …` in its own
 * process (so its CPU is not the audit's), resolved with the environment it prints (the endpoint
 * and the sandbox's credentials) once it listens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onCore } from "./pin-cores.js";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface SandboxChild {
  child: ChildProcess;
  /** What the sandbox printed as `export NAME=value` lines: AWS_ENDPOINT_URL, AWS_REGION, the keys. */
  env: Record<string, string>;
}

/**
 * Starts the sandbox with `accounts × buckets` generated (seed 7) and any further `sandbox` flags;
 * on `core` only when given (bench/pin-cores.ts, `--pin-cores`).
 */
export async function startSandboxChild(accounts: number, buckets: number, flags: string[] = [], core?: number): Promise<SandboxChild> {
  const args = ["--import", "tsx", `${root}src/cli/main.ts`, "sandbox", "--generate", `accounts=${accounts},buckets=${buckets},seed=7`, ...flags];
  const child = spawn(...onCore(core, process.execPath, args), { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      // AWS_REGION is the last line the sandbox prints once it listens.
      if (stdout.includes("AWS_REGION=")) resolve(Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!])));
    });
    child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { child, env };
}
