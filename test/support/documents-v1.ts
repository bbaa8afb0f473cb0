/**
 * Bucket documents as replguard wrote them at bucket document 1.2.0, made from today's, for tests
 * of reading older snapshots: `roleFacts.usedByCount` back to `usedBy`, the sorted names of the
 * documents naming the role (the scanned buckets using it, as 1.x listed them).
 */
import type { BucketDocument } from "../../src/model/index.js";

export function asVersion12(docs: readonly BucketDocument[]): BucketDocument[] {
  return docs.map((doc) => {
    const copy = { ...structuredClone(doc), schemaVersion: "1.2.0" };
    const facts = copy.replication?.roleFacts;
    if (facts === undefined || facts === null) return copy;
    const names = docs.filter((other) => other.replication?.role === doc.replication!.role).map((other) => other.name).sort();
    if (names.length !== facts.usedByCount) throw new Error(`${doc.name}: usedByCount ${facts.usedByCount} but ${names.length} documents name its role`);
    const roleFacts = Object.fromEntries(Object.entries(facts).map(([key, value]) => (key === "usedByCount" ? ["usedBy", names] : [key, value])));
    return { ...copy, replication: { ...copy.replication!, roleFacts } } as unknown as BucketDocument;
  });
}
