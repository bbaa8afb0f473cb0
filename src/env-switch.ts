/**
 * An on/off setting read from the environment (`REPLGUARD_ACCESS_AHEAD`, `REPLGUARD_REPORT_THREADS`):
 * `1` on, `0` off, unset or empty: the caller's default. Any other value is refused by name rather
 * than read as the default, so a mistyped setting is never silently ignored.
 */
import { UsageError } from "./errors.js";

export function envSwitch(name: string): boolean | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  if (value === "0" || value === "1") return value === "1";
  throw new UsageError(`${name} must be 0 or 1, got "${value}"`);
}
