/**
 * Bucket-document versions: fields are only ever added within a major version, so a snapshot
 * written with 1.0.0 documents (before destination.declaredAccountStatus and
 * .declaredAccountInOrganization existed) is still read, while a 1.1.0 document must carry them.
 * 2.0.0 replaced roleFacts.usedBy (names) with usedByCount: each major's documents must carry its
 * own field and not the other's, and currentDocument gives a 1.x document the 2.x shape.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUCKET_DOCUMENT_SCHEMA_VERSION, currentDocument, type StoredBucketDocument } from "../../src/model/index.js";
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
  it("writes 2.0.0", () => {
    expect(BUCKET_DOCUMENT_SCHEMA_VERSION).toBe("2.0.0");
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

  it("refuses a document of a major version it does not know", () => {
    const snapshot = fixture();
    (snapshot.buckets[0] as Record<string, unknown>)["schemaVersion"] = "3.0.0";
    expect(() => validateSnapshot(snapshot)).toThrow(/buckets\/0\/schemaVersion: must match pattern/);
  });

  it("reads a 1.2.0 document's roleFacts.usedBy and refuses usedByCount in it", () => {
    const snapshot = withRoleFacts("1.2.0", { usedBy: ["prod-data", "public-assets"] });
    expect(() => validateSnapshot(snapshot)).not.toThrow();
    roleFactsOf(snapshot)["usedByCount"] = 2;
    expect(() => validateSnapshot(snapshot)).toThrow(/roleFacts\/usedByCount: is not allowed here/);
  });

  it("requires a 2.0.0 document's roleFacts.usedByCount and refuses usedBy in it", () => {
    const snapshot = withRoleFacts("2.0.0", { usedByCount: 2 });
    expect(() => validateSnapshot(snapshot)).not.toThrow();
    roleFactsOf(snapshot)["usedBy"] = ["prod-data", "public-assets"];
    expect(() => validateSnapshot(snapshot)).toThrow(/roleFacts\/usedBy: is not allowed here/);
    delete roleFactsOf(snapshot)["usedByCount"];
    expect(() => validateSnapshot(snapshot)).toThrow(/roleFacts\/usedBy/);
    delete roleFactsOf(snapshot)["usedBy"];
    expect(() => validateSnapshot(snapshot)).toThrow(/roleFacts\/usedByCount: is required/);
    roleFactsOf(snapshot)["usedByCount"] = 0;
    expect(() => validateSnapshot(snapshot)).toThrow(/roleFacts\/usedByCount: must be >= 1/);
  });

  it("gives a 1.x document the current shape: usedBy becomes its count, in its place, and nothing else changes", () => {
    const snapshot = withRoleFacts("1.2.0", { usedBy: ["prod-data", "public-assets", "logs"] });
    const stored = snapshot.buckets[0] as unknown as StoredBucketDocument;
    const before = JSON.stringify(stored);
    const upgraded = currentDocument(stored);
    expect(upgraded.replication?.roleFacts?.usedByCount).toBe(3);
    expect(Object.keys(upgraded.replication!.roleFacts!)).toEqual(Object.keys(ROLE_FACTS).map((key) => (key === "usedBy" ? "usedByCount" : key)));
    expect(JSON.stringify(upgraded)).toBe(before.replace('"usedBy":["prod-data","public-assets","logs"]', '"usedByCount":3'));
    expect(JSON.stringify(stored), "the stored document is not changed").toBe(before);
    const current = withRoleFacts("2.0.0", { usedByCount: 3 }).buckets[0] as unknown as StoredBucketDocument;
    expect(currentDocument(current)).toBe(current);
  });
});

/** A replication role's facts, with `usedBy` where 1.x wrote it (the field `extra` replaces). */
const ROLE_FACTS = {
  arn: "arn:aws:iam::222222222222:role/s3-replication",
  account: "222222222222",
  exists: true,
  trustedPrincipals: ["Service:s3.amazonaws.com"],
  untrustedPrincipals: [],
  trustsBatchOperations: false,
  inlinePolicies: ["replicate"],
  attachedPolicies: [],
  excessiveGrants: [],
  usedBy: [] as string[],
  tagValues: [{ key: "classification", values: ["pii", "public"] }],
};

/** The fixture with its first replicating bucket at `version`, carrying roleFacts with `extra` for usedBy. */
function withRoleFacts(version: string, extra: { usedBy?: string[]; usedByCount?: number }): ReturnType<typeof fixture> {
  const snapshot = fixture();
  const bucket = snapshot.buckets.find((b) => (b["replication"] as { configured?: boolean } | null)?.configured === true);
  if (bucket === undefined) throw new Error("fixture changed");
  snapshot.buckets = [bucket];
  bucket["schemaVersion"] = version;
  for (const destination of destinations(snapshot)) Object.assign(destination, { declaredAccountStatus: null, declaredAccountInOrganization: null });
  const roleFacts = Object.fromEntries(Object.entries(ROLE_FACTS).flatMap(([key, value]): [string, unknown][] => (key === "usedBy" ? Object.entries(extra) : [[key, value]])));
  (bucket["replication"] as Record<string, unknown>)["roleFacts"] = roleFacts;
  return snapshot;
}

const roleFactsOf = (snapshot: ReturnType<typeof fixture>): Record<string, unknown> =>
  (snapshot.buckets[0]!["replication"] as { roleFacts: Record<string, unknown> }).roleFacts;
