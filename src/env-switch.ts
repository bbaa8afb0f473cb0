/**
 * Settings read from the environment, each refused by name (a UsageError, exit 2) rather than read
 * as the default when mistyped, so a wrong setting is never silently ignored: an on/off switch
 * (`REPLGUARD_ACCESS_AHEAD`, `REPLGUARD_REPORT_THREADS`) and a whole number (the V8 settings of
 * src/cli/heap.ts and src/cli/inlining.ts, `REPLGUARD_COALESCE_MS`).
 */
import { UsageError } from "./errors.js";

/** `1` on, `0` off, unset or empty: undefined (the caller's default). */
export function envSwitch(name: string): boolean | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  if (value === "0" || value === "1") return value === "1";
  throw new UsageError(`${name} must be 0 or 1, got "${value}"`);
}

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
