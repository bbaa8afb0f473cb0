/**
 * How much the `replguard` process's optimising compiler (V8's TurboFan) inlines into one
 * function (docs/scale.md, "Policy evaluation"). An audit's first pass over its documents is
 * mostly TurboFan compiling the policies' generated validators and sentence renderers, each on its
 * own, and each compile job grows with what it inlines: V8 inlines up to 920 bytes of bytecode
 * into a function; at 300 the jobs are smaller, the first pass cheaper, and the optimised code as
 * fast once warm (measured on whole audits, not only on evaluation: the flag changes how every
 * function is optimised, the scan's and the SDK's too).
 */
import { setFlagsFromString } from "node:v8";
import { wholeNumberSetting } from "../env-switch.js";

/** Bytes of bytecode TurboFan may inline into one optimised function, in all (V8's default: 920). */
export const INLINED_BYTECODE_LIMIT = 300;

/**
 * Applies the inlining limit to this process and returns it. For the CLI only (called before its
 * commands run) and the benches that measure what the CLI does: a library must not change how its
 * host process compiles. V8 reads the flag at each compile job, so it takes effect at run time.
 * `REPLGUARD_INLINED_BYTECODE_LIMIT` sets another limit; `0` leaves V8's own (and returns 0).
 */
export function limitInlining(env: NodeJS.ProcessEnv = process.env): number {
  const limit = wholeNumberSetting(env, "REPLGUARD_INLINED_BYTECODE_LIMIT", INLINED_BYTECODE_LIMIT, 100_000);
  if (limit > 0) setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${limit}`);
  return limit;
}
