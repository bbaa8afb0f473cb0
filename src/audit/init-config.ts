/**
 * `replguard init`: a first config file with the organization's facts filled in, so the first real
 * run needs no reading. One light scan (versioning and replication, the calls every audit makes)
 * gives the management account, the OUs and accounts, and where replicas are kept; from those it
 * suggests the vault account (the account replicas should land in).
 *
 * The config loader reads strict JSON (no comments) against schemas/config.schema.json, so the
 * explanations go in `$comment` (an array of lines the loader ignores), not in `//` comments.
 */
import { access, open } from "node:fs/promises";
import { scan, type ScanOptions } from "../scan/index.js";
import type { AccountRecord, BucketDocument } from "../model/index.js";
import { OutputError, UsageError } from "../errors.js";

export interface InitOptions {
  /** How to read the organization; its `roleName` (the audit role to try) is also what the config names. */
  scan: ScanOptions;
}

export interface VaultSuggestion {
  accountId: string;
  name: string;
  /** Why, in words: the name, or the replica count. */
  reason: string;
}

export interface InitResult {
  config: Record<string, unknown>;
  vault: VaultSuggestion | null;
}

/** Account names that say "replicas live here", strongest first. */
const VAULT_NAMES: readonly [RegExp, string][] = [
  [/vault/i, "vault"],
  [/backup/i, "backup"],
  [/archive/i, "archive"],
  [/(^|[^a-z])(dr|recovery)([^a-z]|$)/i, "recovery"],
];

/**
 * The vault: an active member (not the management account) named like one; else the account that
 * holds the most replica destinations of other accounts' rules; else none (the comment says so).
 */
export function suggestVault(accounts: AccountRecord[], buckets: BucketDocument[], managementAccountId: string | null): VaultSuggestion | null {
  const candidates = accounts.filter((a) => a.status === "ACTIVE" && a.id !== managementAccountId);
  for (const [pattern, word] of VAULT_NAMES) {
    const named = candidates.find((a) => pattern.test(a.name));
    if (named) return { accountId: named.id, name: named.name, reason: `its name says ${word}` };
  }
  const replicas = new Map<string, number>();
  for (const bucket of buckets) {
    for (const rule of bucket.replication?.rules ?? []) {
      const owner = rule.destination.account;
      if (rule.enabled && owner !== null && owner !== bucket.account.id) replicas.set(owner, (replicas.get(owner) ?? 0) + 1);
    }
  }
  const [best] = [...replicas.entries()].filter(([id]) => candidates.some((a) => a.id === id)).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  if (best === undefined) return null;
  const account = candidates.find((a) => a.id === best[0])!;
  return { accountId: account.id, name: account.name, reason: `it holds the most replica destinations of other accounts' rules (${best[1]})` };
}

export async function initialConfig(options: InitOptions): Promise<InitResult> {
  const result = await scan({ ...options.scan, facts: { all: ["versioning", "replication"], destinations: [] } });
  const { scan: info, accounts, buckets } = result;
  if (info.mode !== "organization") throw new UsageError("init reads an AWS Organization: run it with the management account's (or a delegated administrator's) credentials");
  const vault = suggestVault(accounts, buckets, info.managementAccountId);
  const management = accounts.find((a) => a.id === info.managementAccountId);
  const ous = [...new Set(accounts.map((a) => a.ouPath))].sort();
  const unread = accounts.filter((a) => a.scan === "failed");
  const comment = [
    `Written by replguard init from organization ${info.organizationId ?? "?"} on ${info.finishedAt}. Every field is optional; flags override it (docs/deploy.md).`,
    `Management account: ${info.managementAccountId ?? "?"}${management ? ` (${management.name})` : ""}; ${accounts.length} accounts, ${buckets.length} buckets.`,
    `OUs found: ${ous.join(", ")}. To scan only some, add "ous": ["<path or ou- id>", ...].`,
    `roleName: the audit role this init used in every account. The read-only role deploy/ ships (deploy/cloudformation/audit-role-stackset.yaml, deploy/terraform/audit-role) is named replguard-audit by default: once deployed, put its name here.`,
    vault === null
      ? "No vault account suggested: no account is named like one (vault, backup, archive, recovery) and no rule replicates into another account."
      : `Suggested vault account: ${vault.accountId} (${vault.name}), because ${vault.reason}; policies.parameters below lets destination-separate-account accept only it. Check it, or remove that entry.`,
    ...(unread.length === 0 ? [] : [`Not read by this init (${unread.map((a) => `${a.id} ${a.name}`).join(", ")}): the audit role was missing or refused there.`]),
  ];
  const config: Record<string, unknown> = {
    $schema: "https://replguard.dev/schemas/config.schema.json",
    $comment: comment,
    roleName: info.roleName,
    region: options.scan.region,
    failOn: "high",
    ...(vault === null ? {} : { policies: { parameters: { "destination-separate-account": { allowedDestinationAccounts: [vault.accountId] } } } }),
  };
  if (config.region === undefined) delete config.region;
  return { config, vault };
}

/** Refuses, before any scan, a file that exists (unless `force`): a user should not wait for a scan to hear it. */
export async function checkConfigTarget(file: string, force: boolean): Promise<void> {
  if (force) return;
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) throw existsError(file);
}

const existsError = (file: string): UsageError => new UsageError(`${file} exists: replguard init never overwrites a config; use --force or another --out`, { file });

/** Writes the config, never over an existing file unless `force`: O_EXCL, so a race cannot clobber one either. */
export async function writeConfigFile(file: string, config: Record<string, unknown>, force: boolean): Promise<void> {
  let handle;
  try {
    handle = await open(file, force ? "w" : "wx");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw existsError(file);
    throw new OutputError(`cannot write ${file}: ${code ?? String(error)}`, { file, cause: error });
  }
  try {
    await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`);
  } finally {
    await handle.close();
  }
}
