/**
 * The lean read path's deserializers: S3's XML answer to the five hot per-bucket GETs (and the two
 * reads of a destination the access facts make: its policy, a JSON text, and its ownership), parsed by
 * the SDK's own XML parser (`parseXML` of @aws-sdk/xml-builder, the one @aws-sdk/core's RestXml
 * protocol calls), turned into the same output shapes the SDK's schema deserializer returns:
 * members renamed from their XML names, flattened lists gathered from repeated elements, wrapped
 * lists unwrapped, integers and booleans converted, an empty structure element read as `{}` (an
 * empty `<Filter/>` is a V2 rule, not a V1 one: parse.ts tells them apart by `Filter`).
 * test/aws/lean-reads.test.ts compares these with the SDK's answers for every bucket of the demo.
 */
import { parseXML } from "@aws-sdk/xml-builder";
import { parseRfc3339DateTimeWithOffset } from "@smithy/core/serde";

/** A member's type: a scalar, a structure, or a list (flattened: the members repeat in place). */
export type Shape =
  | "string"
  | "int"
  | "bool"
  /** An ISO 8601 date-time, a `Date` as the SDK's RestXml deserializer gives it. */
  | "timestamp"
  | { struct: Record<string, Member> }
  | { list: Shape; flat: true }
  | { list: Shape; flat: false; item: string };
/** A member's shape, with its XML element name when it differs from the member's. */
export type Member = Shape | { shape: Shape; xml: string };

export const struct = (members: Record<string, Member>): Shape => ({ struct: members });
const status = struct({ Status: "string" });
const tag = struct({ Key: "string", Value: "string" });

/** ReplicationConfiguration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationConfiguration.html). */
const REPLICATION_RULE = struct({
  ID: "string",
  Priority: "int",
  Prefix: "string",
  Filter: struct({ Prefix: "string", Tag: tag, And: struct({ Prefix: "string", Tags: { shape: { list: tag, flat: true }, xml: "Tag" } }) }),
  Status: "string",
  SourceSelectionCriteria: struct({ SseKmsEncryptedObjects: status, ReplicaModifications: status }),
  ExistingObjectReplication: status,
  Destination: struct({
    Bucket: "string",
    Account: "string",
    StorageClass: "string",
    AccessControlTranslation: struct({ Owner: "string" }),
    EncryptionConfiguration: struct({ ReplicaKmsKeyID: "string" }),
    ReplicationTime: struct({ Status: "string", Time: struct({ Minutes: "int" }) }),
    Metrics: struct({ Status: "string", EventThreshold: struct({ Minutes: "int" }) }),
  }),
  DeleteMarkerReplication: status,
});

/** Each operation's output: the member the body lands in (none: the body is the output) and its shape. */
export const LEAN_OUTPUTS = {
  versioning: { query: "versioning", payload: null, shape: struct({ Status: "string", MFADelete: { shape: "string", xml: "MfaDelete" } }) },
  replication: {
    query: "replication",
    payload: "ReplicationConfiguration",
    shape: struct({ Role: "string", Rules: { shape: { list: REPLICATION_RULE, flat: true }, xml: "Rule" } }),
  },
  objectLock: {
    query: "object-lock",
    payload: "ObjectLockConfiguration",
    shape: struct({ ObjectLockEnabled: "string", Rule: struct({ DefaultRetention: struct({ Mode: "string", Days: "int", Years: "int" }) }) }),
  },
  encryption: {
    query: "encryption",
    payload: "ServerSideEncryptionConfiguration",
    shape: struct({
      Rules: {
        shape: { list: struct({ ApplyServerSideEncryptionByDefault: struct({ SSEAlgorithm: "string", KMSMasterKeyID: "string" }), BucketKeyEnabled: "bool" }), flat: true },
        xml: "Rule",
      },
    }),
  },
  tags: { query: "tagging", payload: null, shape: struct({ TagSet: { shape: { list: tag, flat: false, item: "Tag" }, xml: "TagSet" } }) },
  /** A destination's bucket policy (the access facts): the body is the policy's JSON text, the output's `Policy` as it is. */
  policy: { query: "policy", payload: "Policy", shape: "string" },
  /** A destination's Object Ownership (the access facts). */
  ownershipControls: {
    query: "ownershipControls",
    payload: "OwnershipControls",
    shape: struct({ Rules: { shape: { list: struct({ ObjectOwnership: "string" }), flat: true }, xml: "Rule" } }),
  },
} as const satisfies Record<string, { query: string; payload: string | null; shape: Shape }>;

export type LeanOperation = keyof typeof LEAN_OUTPUTS;

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** A structure's members as (name, shape, XML name), in declaration order: worked out once per structure, not per answer. */
type Members = readonly (readonly [string, Shape, string])[];
const membersOf = new WeakMap<Record<string, Member>, Members>();
function members(struct: Record<string, Member>): Members {
  let list = membersOf.get(struct);
  if (list === undefined) {
    list = Object.entries(struct).map(([name, member]) => (typeof member === "object" && "shape" in member ? ([name, member.shape, member.xml] as const) : ([name, member, name] as const)));
    membersOf.set(struct, list);
  }
  return list;
}

/** The output of `shape` from a parsed body's element (parseXmlBody's tree). */
export function read(shape: Shape, value: unknown): unknown {
  if (shape === "string") return typeof value === "string" ? value : undefined;
  if (shape === "timestamp") return typeof value === "string" && value !== "" ? parseRfc3339DateTimeWithOffset(value) : undefined;
  if (shape === "int") return typeof value === "string" && value !== "" ? Number.parseInt(value, 10) : undefined;
  if (shape === "bool") return value === "true" ? true : value === "false" ? false : undefined;
  if ("struct" in shape) {
    const object = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [name, memberShape, xml] of members(shape.struct)) {
      const raw = object[xml];
      if (raw === undefined) continue;
      const parsed = read(memberShape, raw);
      if (parsed !== undefined) out[name] = parsed;
    }
    return out;
  }
  if (shape.flat) return asArray(value).map((item) => read(shape.list, item));
  // A wrapped list: `<TagSet><Tag>…</Tag>…</TagSet>`; an empty wrapper is an empty list.
  const items = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[shape.item] : undefined;
  return items === undefined ? [] : asArray(items).map((item) => read(shape.list, item));
}

/**
 * The body's root element's content, as the SDK's `parseXml` gives it (the root's name dropped,
 * a lone `#text` moved under the root's name). An empty body is `{}`.
 */
export function parseXmlBody(xml: string): Record<string, unknown> {
  if (xml.length === 0) return {};
  const parsed = parseXML(xml) as Record<string, unknown>;
  const root = Object.keys(parsed)[0] ?? "";
  const value = parsed[root];
  if (typeof value !== "object" || value === null) return {};
  const object = value as Record<string, unknown>;
  if (object["#text"] !== undefined) {
    object[root] = object["#text"];
    delete object["#text"];
  }
  return object;
}

/**
 * Parsed 2xx bodies by their text: most answers of a scan are the same few documents (versioning
 * `Enabled`, `Suspended`, never set), and the same text parses to the same tree. The trees are
 * only read (`read` builds the output from fresh objects), so one tree serves every equal answer.
 * Bounded: emptied when full, so unique answers (replication rules name their buckets) cost a
 * map entry, never memory that grows with the scan.
 */
const parsedBodies = new Map<string, Record<string, unknown>>();
const MEMO_ENTRIES = 256;
const MEMO_BODY_CHARS = 4096;

function parseBodyOnce(xml: string): Record<string, unknown> {
  if (xml.length > MEMO_BODY_CHARS) return parseXmlBody(xml);
  let body = parsedBodies.get(xml);
  if (body === undefined) {
    body = parseXmlBody(xml);
    if (parsedBodies.size >= MEMO_ENTRIES) parsedBodies.clear();
    parsedBodies.set(xml, body);
  }
  return body;
}

/** The operation's output (without `$metadata`) from its 2xx answer's body. */
export function deserializeOutput(operation: LeanOperation, xml: string): Record<string, unknown> {
  const { payload, shape } = LEAN_OUTPUTS[operation];
  // A text payload (GetBucketPolicy's JSON): the SDK hands the body on as it came, parsed by nobody.
  if (shape === "string") return { [payload as string]: xml };
  const body = parseBodyOnce(xml);
  const members = read(shape, body) as Record<string, unknown>;
  if (payload === null) return members;
  return xml.length === 0 ? {} : { [payload]: members };
}
