/** Starting the sandbox on the scanner's test organization and scanning it, in one place. */
import { startSandbox, type Sandbox, type Scenario, type SandboxOptions } from "../../src/sandbox/index.js";
import { scan, type ScanOptions, type ScanResult } from "../../src/scan/index.js";
import type { BucketDocument, ReplicationRule } from "../../src/model/index.js";
import { testScenario } from "./scenarios/scan.js";

export async function withSandbox<T>(
  run: (sandbox: Sandbox) => Promise<T>,
  scenario: Scenario = testScenario(),
  options: Omit<SandboxOptions, "scenario"> = {},
): Promise<T> {
  const sandbox = await startSandbox({ ...options, scenario });
  try {
    return await run(sandbox);
  } finally {
    await sandbox.close();
  }
}

export const scanSandbox = (sandbox: Sandbox, options: ScanOptions = {}): Promise<ScanResult> =>
  scan({ endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region, ...options });

export function bucket(result: ScanResult, name: string): BucketDocument {
  const doc = result.buckets.find((b) => b.name === name);
  if (doc === undefined) throw new Error(`no bucket ${name} in the scan (have ${result.buckets.map((b) => b.name).join(", ")})`);
  return doc;
}

export function rule(doc: BucketDocument, id: string): ReplicationRule {
  const found = doc.replication?.rules.find((r) => r.id === id);
  if (found === undefined) throw new Error(`no rule ${id} on ${doc.name}`);
  return found;
}

/** Calls in the log for one operation (optionally on one bucket). */
export const callsOf = (sandbox: Sandbox, operation: string, bucketName?: string) =>
  sandbox.calls.filter((c) => c.operation === operation && (bucketName === undefined || c.bucket === bucketName));
