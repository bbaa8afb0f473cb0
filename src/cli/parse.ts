/** Flag value parsers for commander: each rejects bad input with a UsageError naming the flag. */
import { InvalidArgumentError } from "commander";
import { SEVERITIES, type Severity } from "../model/index.js";
import { REPORT_FORMATS, type ReportFormat } from "../report/types.js";
import { schemaProblem, shippedValidator } from "../schemas.js";

export const splitList = (value: string): string[] =>
  value.split(",").map((item) => item.trim()).filter((item) => item.length > 0);

export function accountList(value: string): string[] {
  const ids = splitList(value);
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a 12-digit AWS account id.`);
  return ids;
}

export function regionList(value: string): string[] {
  const regions = splitList(value);
  const bad = regions.find((region) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not an AWS region name (e.g. eu-west-1).`);
  return regions;
}

export function formatList(value: string): ReportFormat[] {
  const formats = value === "all" ? [...REPORT_FORMATS] : splitList(value);
  // An empty list would write nothing and say nothing: refuse it rather than guess a default.
  if (formats.length === 0) throw new InvalidArgumentError(`no format given (${REPORT_FORMATS.join(", ")}, or all).`);
  const bad = formats.find((format) => !(REPORT_FORMATS as readonly string[]).includes(format));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a report format (${REPORT_FORMATS.join(", ")}, or all).`);
  return formats as ReportFormat[];
}

export function severity(value: string): Severity {
  if (!SEVERITIES.includes(value as Severity)) throw new InvalidArgumentError(`must be one of ${SEVERITIES.join(", ")}.`);
  return value as Severity;
}

export function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("must be a whole number of 1 or more.");
  return number;
}

export function nonNegativeInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError("must be a whole number of 0 or more.");
  return number;
}

export function rate(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new InvalidArgumentError("must be a number from 0 to 1.");
  return number;
}

/**
 * A flag that mirrors a config-file field is checked by the config schema itself
 * (schemas/config.schema.json), so `--role-name` and `"roleName"` can never accept different values.
 */
export function configField(field: "roleName" | "externalId" | "profile" | "out"): (value: string) => string {
  return (value) => {
    const validate = shippedValidator("config.schema.json");
    if (!validate({ [field]: value })) throw new InvalidArgumentError(`${schemaProblem(validate.errors).message} (as "${field}" in a config file).`);
    return value;
  };
}

/** A TCP port: 0 (any free port) to 65535. */
export function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(number) || number > 65535) throw new InvalidArgumentError("must be a port number from 0 to 65535.");
  return number;
}
