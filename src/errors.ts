/**
 * Every error a user can cause, in one place. Each class carries the exit code it maps to and the
 * fields that locate the problem (file, JSON pointer, account, bucket, policy), so the CLI can print
 * one clear line and exit without a stack trace. The CLI maps errors to exit codes in one place
 * (`src/cli/exit.ts`) by reading `exitCode`.
 */

/** Documented process exit codes (README "Exit codes"). */
export const ExitCode = {
  /** No failure at or above `--fail-on`, and the scan was complete. */
  Ok: 0,
  /** At least one failure at or above `--fail-on`. */
  Findings: 1,
  /** Bad flag, config file, policy, scenario or snapshot: nothing was scanned. */
  Usage: 2,
  /** Some account or bucket in scope could not be read, or a result is `error` (the results are incomplete). */
  Incomplete: 3,
  /** A bug or an environment fault replguard could not attribute to the input (e.g. disk full). */
  Internal: 4,
  /** `--fail-on-drift` applies: the organization drifted from the baseline (new failures, or any change). */
  Drift: 5,
  /** `audit --fix`, `fix apply`, `rollback`: some fix could not be applied (or verified), so production is not as planned. */
  FixFailed: 6,
  /** Interrupted (SIGINT/SIGTERM): no incomplete report was left under its final name. 128 + SIGINT, as shells report it. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a problem sits, as far as it is known. */
export interface ErrorLocation {
  /** File the problem is in (config, policy, scenario, snapshot). */
  file?: string;
  /** JSON pointer into that file (RFC 6901), e.g. `/accounts/2/buckets/0/versioning`. */
  pointer?: string;
  accountId?: string;
  bucket?: string;
  policyId?: string;
  /** AWS operation that failed, e.g. `AssumeRole`. */
  operation?: string;
  /** AWS error code, e.g. `AccessDenied`. */
  code?: string;
}

export class ReplguardError extends Error {
  readonly exitCode: ExitCode = ExitCode.Internal;
  readonly location: ErrorLocation;

  constructor(message: string, options?: ErrorOptions & ErrorLocation) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    const { cause: _cause, ...location } = options ?? {};
    this.location = location;
  }
}

/** A bad command-line flag or flag value. */
export class UsageError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** The config file is unreadable or does not match its schema. */
export class ConfigError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** A policy file is invalid (meta-schema, id/file-name mismatch, schema that does not compile, unknown parameter). */
export class PolicyError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** A sandbox scenario file is invalid. */
export class ScenarioError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** A snapshot file is unreadable or does not match the snapshot schema. */
export class SnapshotError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** The caller has no usable AWS credentials, or they are rejected (InvalidClientTokenId, ExpiredToken...). */
export class CredentialsError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/**
 * The organization itself could not be read (e.g. Organizations answers AccessDenied because the
 * caller is not the management account): nothing in scope can be listed, so the scan is incomplete.
 */
export class OrganizationAccessError extends ReplguardError {
  override readonly exitCode = ExitCode.Incomplete;
}

/**
 * The caller's account is not in an AWS Organization (Organizations answers
 * AWSOrganizationsNotInUseException): there is no organization to list, so nothing was scanned.
 * `--single-account` audits the caller's account alone.
 */
export class OrganizationNotInUseError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** The AWS endpoint cannot be reached at all (refused, unknown host, timeout): nothing can be read. */
export class NetworkError extends ReplguardError {
  override readonly exitCode = ExitCode.Incomplete;
}

/** A report or snapshot could not be written (permissions, disk full). */
export class OutputError extends ReplguardError {
  override readonly exitCode = ExitCode.Internal;
}

/**
 * The report folder cannot be used: `--out` is empty, names a file or a device, sits where no
 * folder can be made, or another run is writing into it. Nothing was scanned (checked first).
 */
export class OutDirError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/**
 * A Terraform file given for drift (`--terraform`) is unreadable, is not the JSON of
 * `terraform show -json` (a raw .tfstate, a binary plan), has another major `format_version`,
 * errored, or declares no S3 bucket resource.
 */
export class TerraformError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** The sandbox could not start (port in use, bad option). */
export class SandboxError extends ReplguardError {
  override readonly exitCode = ExitCode.Usage;
}

/** Every public error class, so a test can check each one is exported from the package. */
export const errorClasses = [
  ReplguardError,
  UsageError,
  ConfigError,
  PolicyError,
  ScenarioError,
  SnapshotError,
  CredentialsError,
  OrganizationAccessError,
  OrganizationNotInUseError,
  NetworkError,
  OutputError,
  OutDirError,
  SandboxError,
  TerraformError,
] as const;
