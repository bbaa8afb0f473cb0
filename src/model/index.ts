/** Types shared across stages. Plain data only: no behaviour lives here. */
export type * from "./bucket-document.js";
export type * from "./results.js";
export type * from "./snapshot.js";
export { BUCKET_DOCUMENT_SCHEMA_VERSION, FACT_SOURCES } from "./bucket-document.js";
export { SEVERITIES, RESULT_STATUSES } from "./results.js";
export { SNAPSHOT_SCHEMA_VERSION } from "./snapshot.js";
