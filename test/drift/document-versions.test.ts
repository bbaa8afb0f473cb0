/**
 * A baseline written by a replguard of bucket document 1.2.0 (roleFacts.usedBy, the names) against
 * a scan of 2.0.0 (usedByCount): documents are compared in the current shape, so an unchanged
 * organization shows no drift at all.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/index.js";
import { diffSnapshotFiles, diffSnapshots, hasChanges } from "../../src/drift/index.js";
import { readSnapshot, writeSnapshotJson } from "../../src/report/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { asVersion12 } from "../support/documents-v1.js";
import { tempDir } from "../support/temp-dir.js";

let sandbox: Sandbox;
let temp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  [sandbox, temp] = await Promise.all([startSandbox({ scenario: "demo" }), tempDir("drift-versions")]);
});
afterAll(async () => {
  await sandbox?.close();
  await temp?.cleanup();
});

describe("drift/bucket document versions", () => {
  it("finds no change between a 1.2.0 baseline and a 2.0.0 scan of the same organization", async () => {
    await audit({ scan: { endpoint: sandbox.endpoint, credentials: sandbox.credentials, region: sandbox.region }, outDir: join(temp.dir, "now"), formats: ["json"] });
    const currentFile = join(temp.dir, "now", "snapshot.json");
    const current = await readSnapshot(currentFile);
    expect(current.bucketDocumentSchemaVersion).toBe("2.0.0");
    const withRole = current.buckets.filter((doc) => doc.replication?.roleFacts);
    expect(withRole.length, "the demo's documents carry role facts").toBeGreaterThan(3);

    const baseline = { ...current, bucketDocumentSchemaVersion: "1.2.0", buckets: asVersion12(current.buckets) };
    const baselineFile = join(temp.dir, "baseline.json");
    await writeSnapshotJson(baseline, baselineFile);
    // Read back (and checked against the schema) as 1.2.0 documents, with the names.
    const read = await readSnapshot(baselineFile);
    const names = (read.buckets.find((doc) => doc.name === withRole[0]!.name)!.replication!.roleFacts as unknown as { usedBy: string[] }).usedBy;
    expect(names).toHaveLength(withRole[0]!.replication!.roleFacts!.usedByCount);

    const drift = await diffSnapshotFiles(baselineFile, currentFile);
    expect(drift.configuration).toEqual([]);
    expect(drift.compliance.filter((change) => change.state !== "unchanged")).toEqual([]);
    expect(hasChanges(drift)).toBe(false);
    expect(hasChanges(diffSnapshots(read, current))).toBe(false);
  });
});
