/**
 * Starts moto_server (https://docs.getmoto.org/en/latest/docs/server_mode.html) on a free loopback
 * port, as the independent reference the sandbox conformance test compares against.
 *
 * moto is an optional dependency of the test suite: outside CI a missing moto_server skips the
 * tests that need it (with the install command); under CI=true its absence is an error, so CI can
 * never go green without having run the comparison.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { findOnPath, resolvePyenvShim } from "./executables.js";

export const MOTO_INSTALL_HINT = "pip install 'moto[server]>=5'";

export interface MotoServer {
  /** e.g. http://127.0.0.1:45123 */
  endpoint: string;
  /** Wipes every backend (POST /moto-api/reset): the next calls start from an empty account. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for moto to answer, in ms. Default 20 000 (a cold Python start takes ~1 s). */
  readyTimeoutMs?: number;
}

/** moto_server is missing or cannot start at all (as opposed to a moto that starts and then fails). */
export class MotoUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`${message} (install it with: ${MOTO_INSTALL_HINT})`, options);
    this.name = "MotoUnavailableError";
  }
}

const running = new Set<ChildProcess>();
// Kill what we started even when the test process ends without running afterAll hooks.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

/**
 * moto runs under a small sh that kills it when its stdin closes: on stop(), and also when the test
 * process dies abruptly (a worker killed by SIGKILL runs no exit handler, and would leave moto behind).
 * The background job reads the original stdin through fd 3: POSIX gives background jobs /dev/null.
 */
const WATCHDOG = 'exec 3<&0; "$0" "$@" </dev/null & pid=$!; { cat <&3 >/dev/null; kill "$pid" 2>/dev/null; } & wait "$pid"';

/** Signals the child's whole process group (sh, moto, the watchdog). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin?.end(); // the watchdog stops moto
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Spawns `moto_server -H 127.0.0.1 -p <free port>` and resolves once it answers /moto-api/. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const found = findOnPath("moto_server");
  if (found === undefined) throw new MotoUnavailableError("moto_server is not on PATH");
  const binary = await resolvePyenvShim(found);
  // The free port is only free when we look; another process may take it before moto binds. Retry.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freeLoopbackPort();
    try {
      return await launch(binary, port, options.readyTimeoutMs ?? 20_000);
    } catch (error) {
      const portTaken = error instanceof Error && /address already in use/i.test(error.message);
      if (!portTaken || attempt === 3) throw error;
    }
  }
}

async function launch(binary: string, port: number, readyTimeoutMs: number): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  // moto acts as its default account 123456789012 for every caller (MOTO_ACCOUNT_ID would change
  // that, but also stop moto from recognising the credentials its own AssumeRole issues).
  const env = { ...process.env };
  delete env.MOTO_ACCOUNT_ID;
  const child = spawn("/bin/sh", ["-c", WATCHDOG, binary, "-H", "127.0.0.1", "-p", String(port)], {
    env,
    stdio: ["pipe", "ignore", "pipe"],
    detached: true, // its own process group, so that killGroup reaches moto too
  });
  running.add(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    // Keep only the tail: werkzeug logs one line per request.
    stderr = (stderr + chunk).slice(-4_000);
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  const deadline = Date.now() + readyTimeoutMs;
  while (!(await answers(endpoint))) {
    const exited = child.exitCode !== null || child.signalCode !== null || spawnError !== undefined;
    if (exited || Date.now() > deadline) {
      await stopChild(child);
      const why = spawnError?.message ?? (exited ? `exited with ${child.exitCode ?? child.signalCode}` : "did not answer in time");
      // A pyenv shim without moto behind it exits 127 with "command not found".
      if (spawnError !== undefined || child.exitCode === 127) {
        throw new MotoUnavailableError(`moto_server could not start: ${why}: ${stderr.trim()}`, { cause: spawnError });
      }
      throw new Error(`moto_server on ${endpoint} ${why}: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
      await response.arrayBuffer();
    },
    stop: () => stopChild(child),
  };
}

/**
 * startMoto, except that outside CI a missing moto resolves to undefined (the caller skips, and
 * the reason is printed once). Under CI=true a missing moto throws: the comparison is mandatory there.
 */
export async function startMotoOrSkip(options: StartMotoOptions = {}): Promise<MotoServer | undefined> {
  try {
    return await startMoto(options);
  } catch (error) {
    if (!(error instanceof MotoUnavailableError) || process.env.CI === "true") throw error;
    console.warn(`Skipping the moto conformance tests: ${error.message}`);
    return undefined;
  }
}

let shared: Promise<MotoServer | undefined> | undefined;

/**
 * One moto for the whole test process instead of one per file: vitest runs a worker's files one
 * after another in one process (isolate: false), and each moto start costs about a CPU-second of
 * Python start-up plus the import of every backend it is asked about. Each caller gets it wiped
 * (reset), so it starts from empty accounts as a fresh moto would; its stop() only hands it back.
 * moto stops with the process (the exit handler above, and the watchdog when the pipe closes).
 * Missing moto: as startMotoOrSkip.
 */
export async function sharedMotoOrSkip(): Promise<MotoServer | undefined> {
  shared ??= startMotoOrSkip();
  const moto = await shared;
  if (moto === undefined) return undefined;
  await moto.reset();
  return { ...moto, stop: async () => undefined };
}
