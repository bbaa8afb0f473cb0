import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSnapshotFiles, diffSnapshots } from "../../src/drift/index.js";
import type { BucketDocument, Snapshot } from "../../src/model/index.js";
import { readSnapshot, writeSnapshotJson } from "../../src/report/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { buildSnapshot } from "../support/report-fixture.js";
import { tempDir } from "../support/temp-dir.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("drift-stream")));
afterAll(() => cleanup());

/** The fixture after changes of every kind: a field, a bucket gone, one new, one moved to another account, a result's status, a result with no document. */
function changed(base: Snapshot): Snapshot {
  const next = structuredClone(base);
  const [first, second, third] = next.buckets as [BucketDocument, BucketDocument, BucketDocument];
  if (first.versioning !== null) first.versioning.status = first.versioning.status === "Enabled" ? "Suspended" : "Enabled";
  next.buckets = next.buckets.filter((b) => b !== second);
  third.account = { ...third.account, id: third.account.id === ACCOUNTS.backup ? ACCOUNTS.prod : ACCOUNTS.backup };
  third.versioning = { status: "Suspended", mfaDelete: "Disabled" };
  next.buckets.push({ ...structuredClone(first), name: "brand-new-bucket", arn: "arn:aws:s3:::brand-new-bucket" });
  const flipped = next.results.find((r) => r.status === "pass")!;
  flipped.status = "fail";
  next.results.push({ ...next.results[0]!, bucket: "ghost-bucket", bucketArn: "arn:aws:s3:::ghost-bucket", status: "fail" });
  for (const r of next.results) if (r.bucketArn === third.arn) r.accountId = third.account.id;
  return next;
}

describe("drift/diffSnapshotFiles", () => {
  it("gives the drift diffSnapshots gives in memory, for changes of every kind (bucket moved across accounts included)", async () => {
    const base = buildSnapshot();
    const oldFile = join(dir, "old.json");
    const newFile = join(dir, "new.json");
    await writeSnapshotJson(base, oldFile);
    await writeSnapshotJson(changed(base), newFile);
    const streamed = await diffSnapshotFiles(oldFile, newFile);
    expect(streamed).toEqual(diffSnapshots(await readSnapshot(oldFile), await readSnapshot(newFile)));
    expect(streamed.summary.configChanges).toBeGreaterThanOrEqual(3);
    expect(streamed.configuration.some((c) => c.change === "bucket-added" && c.bucket === "brand-new-bucket")).toBe(true);
    expect(streamed.configuration.some((c) => c.change === "bucket-removed")).toBe(true);
    expect(streamed.compliance.some((c) => c.bucket === "ghost-bucket" && c.state === "new")).toBe(true);
  });

  it("finds no drift between a snapshot and itself, also across formats (1.x document against 2.x records)", async () => {
    const old = join(dir, "same-old.json");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(old, JSON.stringify(buildSnapshot()));
    const now = join(dir, "same-new.json.gz");
    await writeSnapshotJson(buildSnapshot(), now, { gzip: true });
    const drift = await diffSnapshotFiles(old, now);
    expect(drift.configuration).toEqual([]);
    expect(drift.compliance.filter((c) => c.state !== "unchanged")).toEqual([]);
    expect(drift.scope).toEqual([]);
  });
});
