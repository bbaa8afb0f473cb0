/**
 * Bucket documents read back from a snapshot may be of an older major version (docs/bucket-document.md,
 * "Versions"): this gives them the current shape, so a drift or a merge compares and evaluates like
 * with like. One function for every reader; what each major changed is listed here and nowhere else.
 */
import { BUCKET_DOCUMENT_SCHEMA_VERSION, type BucketDocument, type Replication, type RoleFacts } from "./bucket-document.js";

/** A role's facts as 1.x documents wrote them: the names of every scanned bucket using the role. */
export type RoleFactsV1 = Omit<RoleFacts, "usedByCount"> & { usedBy: string[] };

/** A bucket document as any readable version wrote it. */
export type StoredBucketDocument =
  | BucketDocument
  | (Omit<BucketDocument, "replication"> & { replication: (Omit<Replication, "roleFacts"> & { roleFacts?: RoleFactsV1 | RoleFacts | null }) | null });

const CURRENT_MAJOR = BUCKET_DOCUMENT_SCHEMA_VERSION.split(".")[0]!;

/** Whether a document's (or a snapshot header's) bucket-document version is of this replguard's major. */
export const isCurrentMajor = (schemaVersion: string): boolean => schemaVersion.split(".")[0] === CURRENT_MAJOR;

/**
 * The document in the current shape: a 1.x document's `roleFacts.usedBy` becomes `usedByCount`
 * (its length; the key keeps its place), the rest as is, its `schemaVersion` included (it says
 * what was written). A current document is returned itself, not copied.
 */
export function currentDocument(doc: StoredBucketDocument): BucketDocument {
  const facts = doc.replication?.roleFacts;
  if (isCurrentMajor(doc.schemaVersion) || facts === null || facts === undefined || !("usedBy" in facts)) return doc as BucketDocument;
  const roleFacts = Object.fromEntries(Object.entries(facts).map(([key, value]) => (key === "usedBy" ? ["usedByCount", (value as string[]).length] : [key, value]))) as unknown as RoleFacts;
  return { ...doc, replication: { ...doc.replication!, roleFacts } };
}
