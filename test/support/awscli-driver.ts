/**
 * The AWS CLI without a Python start-up per command: one long-lived Python process runs each
 * command through the CLI's own driver (`awscli.clidriver.create_clidriver().main(argv)`, what the
 * `aws` script itself calls), so it is still the real CLI and botocore over HTTP. Starting the CLI
 * costs seconds on a loaded machine; a command in a running process, tens of milliseconds.
 *
 * Protocol: one JSON job per line on the process's stdin, one JSON answer per line on its stdout,
 * in order, so a command can use what the previous one printed (`sts assume-role`, then a command
 * with those credentials).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** What `aws <args>` exited with and printed. */
export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCli {
  /**
   * Runs `aws <args>` with the base environment plus `env` (e.g. other credentials). Commands run
   * one after another in the order they were asked for; a non-zero exit is returned, not thrown.
   */
  run(args: string[], env?: Record<string, string>): Promise<AwsCliResult>;
  /** Ends the Python process (killed if it does not exit within a few seconds). */
  close(): Promise<void>;
}

/**
 * Each job gets a fresh driver and botocore session in an environment of exactly the base plus the
 * job's variables, as a new `aws` process would: a driver's session keeps state across commands
 * (the credentials it first resolved, `--region`, and `--no-sign-request`, which registers an
 * unsigned signer on the session for good), so sharing one would let a command see the one before.
 * Only botocore's data loader (the service models read from disk, immutable) is shared: it is most
 * of what a fresh session costs. `SystemExit` (argparse refusing arguments) becomes the exit code.
 */
const DRIVER = `
import io, json, os, sys, traceback
import awscli.clidriver

# The answers get their own copy of fd 1, and fd 1 then points at stderr: anything written past
# sys.stdout (a subprocess, a C extension) cannot corrupt an answer.
answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
base_env = dict(os.environ)
script = sys.argv[1]
real_out, real_err = sys.stdout, sys.stderr
loader = None

def run(args, env):
    global loader
    os.environ.clear()
    os.environ.update(base_env)
    os.environ.update(env)
    # argv as the script would see it: argparse names the program after argv[0] ("aws: error: ...").
    sys.argv = [script, *args]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)
    sys.stdout, sys.stderr = out, err
    try:
        driver = awscli.clidriver.create_clidriver()
        if loader is None:
            loader = driver.session.get_component("data_loader")
        else:
            driver.session.register_component("data_loader", loader)
        code = driver.main(args)
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            code = exit.code or 0
        else:
            print(exit.code, file=err)
            code = 1
    except Exception:
        traceback.print_exc(file=err)
        code = 255
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    out.flush()
    err.flush()
    return {"code": code, "stdout": out.buffer.getvalue().decode("utf-8", "replace"), "stderr": err.buffer.getvalue().decode("utf-8", "replace")}

answers.write(json.dumps({"ready": True}) + "\\n")
answers.flush()
for line in sys.stdin:
    if not line.strip():
        continue
    job = json.loads(line)
    answer = run(job["args"], job.get("env", {}))
    answer["id"] = job["id"]
    answers.write(json.dumps(answer) + "\\n")
    answers.flush()
`;

/** The interpreter (and its arguments) from the `aws` script's `#!` line: `/usr/bin/env python3` included. */
function interpreterOf(cli: string): string[] {
  const shebang = /^#!\s*(.+)$/.exec(readFileSync(cli, "utf8").split("\n")[0] ?? "")?.[1]?.trim();
  return shebang === undefined || shebang === "" ? ["python3"] : shebang.split(/\s+/);
}

interface Pending {
  id: number;
  resolve: (result: AwsCliResult) => void;
  reject: (error: Error) => void;
}

/**
 * Starts the Python process behind `cli` (the resolved `aws` script, not a pyenv shim) with
 * `baseEnv`, and resolves once the CLI is imported and ready for commands.
 */
export async function startAwsCli(cli: string, baseEnv: NodeJS.ProcessEnv): Promise<AwsCli> {
  const [python = "python3", ...pythonArgs] = interpreterOf(cli);
  const child = spawn(python, [...pythonArgs, "-c", DRIVER, cli], { env: baseEnv, stdio: ["pipe", "pipe", "pipe"] });
  let stderrTail = "";
  child.stderr.setEncoding("utf8");
  // Only the tail is kept: it says why the process died, should it.
  child.stderr.on("data", (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-4000)));
  const pending: Pending[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  let markReady: () => void = () => undefined;
  let markFailed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));

  const fail = (error: Error): void => {
    failure ??= error;
    markFailed(failure);
    for (const job of pending.splice(0)) job.reject(failure);
  };
  child.once("error", (error) => fail(new Error(`the AWS CLI driver (${python}) did not start: ${error.message}`)));
  child.once("close", (code, signal) => fail(new Error(`the AWS CLI driver exited (${signal ?? code}): ${stderrTail.trim()}`)));
  // A write after the process died: the close handler above reports why.
  child.stdin.on("error", () => undefined);

  createInterface({ input: child.stdout }).on("line", (line) => {
    const answer = JSON.parse(line) as { ready?: boolean; id?: number } & Partial<AwsCliResult>;
    if (answer.ready === true) return markReady();
    const job = pending.shift();
    if (job === undefined || job.id !== answer.id) return fail(new Error(`the AWS CLI driver answered job ${answer.id}, expected ${job?.id}`));
    job.resolve({ code: answer.code ?? -1, stdout: answer.stdout ?? "", stderr: answer.stderr ?? "" });
  });

  await ready;
  return {
    run(args, env = {}) {
      if (failure !== undefined) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<AwsCliResult>((resolve, reject) => {
        pending.push({ id, resolve, reject });
        child.stdin.write(`${JSON.stringify({ id, args, env })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
