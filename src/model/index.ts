/** Types shared across stages, plain data; the only functions build the "nothing read yet" bucket document and give an older one the current shape. */
export type * from "./bucket-document.js";
export type * from "./drift.js";
export type * from "./facts.js";
export type * from "./permissions.js";
export type * from "./results.js";
export type * from "./snapshot.js";
export type * from "./terraform-drift.js";
export { BUCKET_DOCUMENT_SCHEMA_VERSION, unreadBucketDocument } from "./bucket-document.js";
export { ACCESS_FACTS, DESTINATION_FACTS, FACT_NAMES, FACT_SOURCES, FACTS, GIVEN_FIELDS, SCAN_CALLS, accessCalls, destinationFieldFact } from "./facts.js";
export { BATCH_REPORT_OBJECTS, REMEDIATION_CALLS, REPLICATION_ROLE_PATTERN } from "./permissions.js";
export { SEVERITIES, RESULT_STATUSES } from "./results.js";
export { SNAPSHOT_SCHEMA_VERSION, bucketOrder } from "./snapshot.js";
export { COMPLIANCE_STATES, DRIFT_SCHEMA_VERSION, FAIL_ON_DRIFT } from "./drift.js";
export { TERRAFORM_DRIFTED_KINDS, TERRAFORM_DRIFT_KINDS, TERRAFORM_DRIFT_SCHEMA_VERSION } from "./terraform-drift.js";
export type { RoleFactsV1, StoredBucketDocument } from "./current-document.js";
export { currentDocument, isCurrentMajor } from "./current-document.js";
