/**
 * The config file (`--config FILE`, JSON): read, validate against schemas/config.schema.json, and
 * resolve its relative paths against the file's own folder, so a config checked into a repo works
 * from any working directory.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { pointerBeyondDepth } from "../json-pointer.js";
import { schemaProblem, shippedValidator } from "../schemas.js";
import type { Severity, Suppression } from "../model/index.js";
import type { ReportFormat } from "../report/index.js";

export interface ConfigFile {
  roleName?: string;
  externalId?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  singleAccount?: boolean;
  accounts?: string[];
  excludeAccounts?: string[];
  ous?: string[];
  regions?: string[];
  policies?: { dirs?: string[]; packs?: string[]; parameters?: Record<string, Record<string, unknown>> };
  /** `expires` is null (never) after loading, whether the file says null or leaves it out. */
  suppressions?: Suppression[];
  failOn?: Severity;
  formats?: ReportFormat[];
  out?: string;
  concurrency?: { accounts?: number; requests?: number };
  maxAttempts?: number;
  /** How `audit --fix` and `fix plan` remediate (docs/fix.md). */
  remediation?: RemediationSettings;
}

/**
 * Remediation settings. Patterns take `{bucket}`, `{account}`, `{region}` (the source bucket's) and
 * `{destinationAccount}`, `{destinationRegion}`.
 */
export interface RemediationSettings {
  /** Where `configure-replication` sends a bucket's replicas. Without it, that fix is manual. */
  destination?: {
    /** Account owning the replica bucket (default: the source bucket's account). */
    account?: string;
    /** Region of the replica bucket (default: the source bucket's Region). */
    region?: string;
    /** Replica bucket name pattern, e.g. `{bucket}-replica`. */
    bucket: string;
    /** Storage class of the replicas (default: the source object's). */
    storageClass?: string;
  };
  /** IAM role S3 assumes to replicate, e.g. `arn:aws:iam::{account}:role/replguard-replication`. */
  replicationRoleArn?: string;
  /** Create a missing replica bucket (with versioning, and Object Lock when `objectLock`). Default false. */
  createDestination?: boolean;
  /** Replica buckets get Object Lock (created with it, or enabled on an existing versioned one). Default false. */
  objectLock?: boolean;
  /** KMS key for replicas of SSE-KMS objects (pattern); without it `set-replica-kms-key` is manual. */
  replicaKmsKeyId?: string;
  /** New rules get Replication Time Control (15 minutes) with metrics. Default false. */
  replicationTime?: boolean;
  /** Buckets written at once while applying (default 4). */
  concurrency?: number;
  /** `--replicate-existing`: the S3 Batch Replication jobs' role and completion-report bucket (patterns). */
  batch?: { roleArn: string; reportBucket: string; reportPrefix?: string };
}

/** Deepest nesting of objects and arrays a config file may have (parameter values included). */
export const MAX_CONFIG_DEPTH = 64;

/** Read and validate a config file; relative `policies.dirs` are resolved against the file's folder. */
export async function loadConfig(file: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file,
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  // Checked iteratively before anything recurses over it (schema validation, hashing, parameters).
  const tooDeep = pointerBeyondDepth(value, MAX_CONFIG_DEPTH);
  if (tooDeep !== undefined) {
    throw new ConfigError(`config file ${file}: ${tooDeep} is nested more than ${MAX_CONFIG_DEPTH} levels deep`, { file, pointer: tooDeep });
  }
  const validate = shippedValidator("config.schema.json");
  if (!validate(value)) {
    const { pointer, message } = schemaProblem(validate.errors);
    throw new ConfigError(`config file ${file}: ${pointer || "/"} ${message}`, { file, pointer });
  }
  const config = value as ConfigFile;
  const base = dirname(resolve(file));
  if (config.policies?.dirs) config.policies.dirs = config.policies.dirs.map((dir) => resolve(base, dir));
  // An omitted `expires` means the same as null: no end date.
  if (config.suppressions) config.suppressions = config.suppressions.map((s) => ({ ...s, expires: s.expires ?? null }));
  return config;
}
