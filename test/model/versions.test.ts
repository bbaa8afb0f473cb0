/**
 * Bucket-document versions: fields are only ever added within a major version, so a snapshot
 * written with 1.0.0 documents (before destination.declaredAccountStatus and
 * .declaredAccountInOrganization existed) is still read, while a 1.1.0 document must carry them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUCKET_DOCUMENT_SCHEMA_VERSION } from "../../src/model/index.js";
import { validateSnapshot } from "../../src/report/index.js";

const fixture = (): Record<string, unknown> & { buckets: Record<string, unknown>[] } =>
  JSON.parse(readFileSync(new URL("../report/fixtures/snapshot.json", import.meta.url), "utf8")) as Record<string, unknown> & { buckets: Record<string, unknown>[] };

/** Every destination of the snapshot's documents, to add or remove fields on. */
function destinations(snapshot: { buckets: Record<string, unknown>[] }): Record<string, unknown>[] {
  return snapshot.buckets.flatMap((b) => ((b["replication"] as { rules?: { destination: Record<string, unknown> }[] } | null)?.rules ?? []).map((r) => r.destination));
}

function asVersion10(): ReturnType<typeof fixture> {
  const snapshot = fixture();
  for (const bucket of snapshot.buckets) bucket["schemaVersion"] = "1.0.0";
  for (const destination of destinations(snapshot)) {
    delete destination["declaredAccountStatus"];
    delete destination["declaredAccountInOrganization"];
  }
  return snapshot;
}

describe("model/bucket document versions", () => {
  it("writes 1.2.0", () => {
    expect(BUCKET_DOCUMENT_SCHEMA_VERSION).toBe("1.2.0");
  });

  it("reads a snapshot of 1.0.0 documents, which have no declaredAccountStatus", () => {
    const snapshot = asVersion10();
    expect(destinations(snapshot).length).toBeGreaterThan(0);
    expect(() => validateSnapshot(snapshot)).not.toThrow();
  });

  it("refuses a 1.1.0 document without the fields 1.1.0 added, naming the field", () => {
    const snapshot = asVersion10();
    for (const bucket of snapshot.buckets) bucket["schemaVersion"] = "1.1.0";
    expect(() => validateSnapshot(snapshot)).toThrow(/declaredAccount(Status|InOrganization)/);
  });

  it("accepts a raw declared account and every declaredAccountStatus", () => {
    const snapshot = fixture();
    const [first] = destinations(snapshot);
    if (first === undefined) throw new Error("fixture changed");
    for (const status of ["matches", "mismatch", "invalid", "unverified", null]) {
      Object.assign(first, { declaredAccount: "backup", declaredAccountStatus: status });
      expect(() => validateSnapshot(snapshot), String(status)).not.toThrow();
    }
  });

  it("refuses a document of another major version", () => {
    const snapshot = fixture();
    (snapshot.buckets[0] as Record<string, unknown>)["schemaVersion"] = "2.0.0";
    expect(() => validateSnapshot(snapshot)).toThrow(/schemaVersion/);
  });
});
