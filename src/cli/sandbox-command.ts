/** `replguard sandbox`: run the AWS-compatible sandbox in the foreground until interrupted. */
import { Command } from "commander";
import { nonNegativeInt, port, rate } from "./parse.js";
import { printOut, printErr } from "./terminal.js";

interface SandboxFlags {
  scenario?: string;
  generate?: string;
  port?: number;
  latencyMs?: number;
  jitterMs?: number;
  throttleRate?: number;
  seed?: number;
}

export function sandboxCommand(): Command {
  return new Command("sandbox")
    .description("Start the loopback AWS-compatible sandbox (Organizations, STS, S3) and print its environment.")
    .option("--scenario <demo|file>", "scenario to load (default demo)")
    .option("--generate <spec>", "generate a large scenario instead: accounts=N,buckets=M[,seed=S]")
    .option("--port <n>", "TCP port on 127.0.0.1, 0 to 65535 (default: a free port)", port)
    .option("--latency-ms <n>", "latency added to every call", nonNegativeInt)
    .option("--jitter-ms <n>", "random extra latency, up to this much", nonNegativeInt)
    .option("--throttle-rate <r>", "share of calls answered with throttling errors (0..1)", rate)
    .option("--seed <n>", "seed for jitter and throttling decisions", nonNegativeInt)
    .action(async (flags: SandboxFlags) => {
      // Loaded when the command runs, not for `--help` or a bad flag (see audit-command.ts).
      const { parseGenerateSpec, startSandbox } = await import("../sandbox/index.js");
      const sandbox = await startSandbox({
        ...(flags.generate === undefined ? { scenario: flags.scenario ?? "demo" } : { generate: parseGenerateSpec(flags.generate) }),
        port: flags.port,
        faults: { latencyMs: flags.latencyMs, jitterMs: flags.jitterMs, throttleRate: flags.throttleRate, seed: flags.seed },
      });
      printOut(`${sandbox.exports()}\n`);
      printErr(`replguard sandbox listening on ${sandbox.endpoint} (Ctrl-C to stop; call log at ${sandbox.endpoint}/_sandbox/calls)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await sandbox.close();
    });
}
