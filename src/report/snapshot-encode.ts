/**
 * The snapshot's bucket and result records as JSON lines, the bytes `JSON.stringify` gives, made
 * cheaper. A 100,000-bucket audit writes 2.2 million result records, and stringifying each whole
 * (eleven keys, five of them the bucket's, the same for its ~22 results) was the handoff's largest
 * cost after the evaluation. Here a result line is assembled from pieces: the bucket's four fields
 * encoded once per bucket, the policy id, status and severity once per value, and only the message,
 * the evidence and the suppression encoded per result. A result that is not exactly the shape
 * `makeResult` builds (other keys, another order, a value of another type) is stringified whole, so
 * the bytes never differ from `JSON.stringify({ record: "result", result })`.
 */
import type { BucketDocument, PolicyResult } from "../model/index.js";

/** The keys of a result, in the order `policy/evaluate.ts` (makeResult) creates them and a snapshot read back keeps them. */
const RESULT_KEYS = ["policyId", "bucketArn", "bucket", "accountId", "region", "status", "severity", "message", "evidence", "suppression"] as const;
const STRING_KEYS = RESULT_KEYS.slice(0, 8);

/** Encoded strings that recur (policy ids, statuses, severities): a few dozen values, capped all the same. */
const ENCODED_CAP = 4096;

export class SnapshotLineEncoder {
  private readonly encoded = new Map<string, string>();
  /** The last bucket's fields and their encoding (`,"bucketArn":…,"region":…`). */
  private lastArn = "";
  private lastName = "";
  private lastAccount = "";
  private lastRegion = "";
  private lastSegment = "";

  /** `{"record":"bucket","bucket":…}` and a newline. */
  bucketLine(bucket: BucketDocument): string {
    // JSON.stringify of an object (never undefined here) nested or alone gives the same text.
    return `{"record":"bucket","bucket":${JSON.stringify(bucket)}}\n`;
  }

  /** `{"record":"result","result":…}` and a newline. */
  resultLine(result: PolicyResult): string {
    if (!plainResult(result)) return `${JSON.stringify({ record: "result", result })}\n`;
    const { evidence, suppression } = result;
    return (
      `{"record":"result","result":{"policyId":${this.recurring(result.policyId)}${this.bucketSegment(result)}` +
      `,"status":${this.recurring(result.status)},"severity":${this.recurring(result.severity)},"message":${JSON.stringify(result.message)}` +
      `,"evidence":${evidence.length === 0 ? "[]" : JSON.stringify(evidence)},"suppression":${suppression === null ? "null" : JSON.stringify(suppression)}}}\n`
    );
  }

  private recurring(value: string): string {
    let text = this.encoded.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      if (this.encoded.size < ENCODED_CAP) this.encoded.set(value, text);
    }
    return text;
  }

  private bucketSegment(result: PolicyResult): string {
    if (result.bucketArn !== this.lastArn || result.bucket !== this.lastName || result.accountId !== this.lastAccount || result.region !== this.lastRegion) {
      this.lastArn = result.bucketArn;
      this.lastName = result.bucket;
      this.lastAccount = result.accountId;
      this.lastRegion = result.region;
      this.lastSegment = `,"bucketArn":${JSON.stringify(result.bucketArn)},"bucket":${JSON.stringify(result.bucket)},"accountId":${JSON.stringify(result.accountId)},"region":${JSON.stringify(result.region)}`;
    }
    return this.lastSegment;
  }
}

/**
 * Exactly makeResult's shape: its ten keys in its order (own, enumerable), the eight strings
 * strings, the evidence an array and the suppression null or an object. Anything else (a result
 * built by hand, read from an odd file) goes through JSON.stringify whole.
 */
function plainResult(result: PolicyResult): boolean {
  if (Object.getPrototypeOf(result) !== Object.prototype) return false;
  const keys = Object.keys(result);
  if (keys.length !== RESULT_KEYS.length) return false;
  for (let i = 0; i < RESULT_KEYS.length; i++) if (keys[i] !== RESULT_KEYS[i]) return false;
  const record = result as unknown as Record<string, unknown>;
  for (const key of STRING_KEYS) if (typeof record[key] !== "string") return false;
  if (!Array.isArray(result.evidence)) return false;
  const { suppression } = result;
  return suppression === null || (typeof suppression === "object" && typeof (suppression as { toJSON?: unknown }).toJSON !== "function");
}
