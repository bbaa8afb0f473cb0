/**
 * A V8 setting of the `replguard` process that an environment variable may change (src/cli/heap.ts,
 * src/cli/inlining.ts): one parser, so every such variable is refused the same way, exit 2.
 */
import { UsageError } from "../errors.js";

/**
 * The whole number in `env[name]`, from 0 to `max`; `fallback` when it is unset or empty. Anything
 * else is the user's mistake: a UsageError naming the variable and the value.
 */
export function wholeNumberSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const configured = env[name];
  const value = configured === undefined || configured === "" ? fallback : Number(configured);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new UsageError(`${name} must be a whole number from 0 to ${max}, got "${configured}"`);
  }
  return value;
}
