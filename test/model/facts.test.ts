/**
 * The one table of facts (src/model/facts.ts) covers the model: every field of the bucket document
 * and of a rule's destination is either filled by a fact of FACTS or listed in GIVEN_FIELDS. The
 * `Record<keyof …, true>` literals below stop compiling when a key is added to BucketDocument or
 * ReplicationDestination, and the schema check catches a field added to the schema only.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DESTINATION_FACTS, FACT_NAMES, FACTS, GIVEN_FIELDS, destinationFieldFact, type BucketDocument, type ReplicationDestination } from "../../src/model/index.js";
import { BUCKET_DOCUMENT_SCHEMA_FILE } from "../../src/policy/index.js";

const DOCUMENT_KEYS: Record<keyof BucketDocument, true> = {
  schemaVersion: true,
  arn: true,
  name: true,
  region: true,
  tags: true,
  isReplicaDestination: true,
  replicatedFrom: true,
  account: true,
  versioning: true,
  objectLock: true,
  encryption: true,
  replication: true,
  batchReplication: true,
  collected: true,
  errors: true,
};

const DESTINATION_KEYS: Record<keyof ReplicationDestination, true> = {
  bucket: true,
  bucketArn: true,
  account: true,
  declaredAccount: true,
  declaredAccountStatus: true,
  declaredAccountInOrganization: true,
  region: true,
  storageClass: true,
  ownerOverride: true,
  replicaKmsKeyId: true,
  replicationTime: true,
  metrics: true,
  resolved: true,
  resolution: true,
  inOrganization: true,
  crossAccount: true,
  crossRegion: true,
  versioning: true,
  objectLock: true,
  roleMissingActions: true,
  bucketPolicy: true,
  objectOwnership: true,
  keyPoliciesRead: true,
  unreadable: true,
};

type Schema = { properties: Record<string, unknown>; $defs: { destination: { properties: Record<string, unknown> } } };
const schema = JSON.parse(readFileSync(BUCKET_DOCUMENT_SCHEMA_FILE, "utf8")) as Schema;

const documentFact = (key: string): boolean => FACT_NAMES.some((f) => FACTS[f].document === key);

describe("model/FACTS", () => {
  it("gives every top-level field of the model and the schema a fact, or lists it as given", () => {
    const keys = Object.keys(DOCUMENT_KEYS).sort();
    expect(Object.keys(schema.properties).sort()).toEqual(keys);
    const given: readonly string[] = GIVEN_FIELDS.document;
    expect(keys.filter((key) => !documentFact(key) && !given.includes(key))).toEqual([]);
    expect(keys.filter((key) => documentFact(key) && given.includes(key))).toEqual([]);
  });

  it("gives every destination field of the model and the schema a fact, or lists it as given", () => {
    const keys = Object.keys(DESTINATION_KEYS).sort();
    expect(Object.keys(schema.$defs.destination.properties).sort()).toEqual(keys);
    const given: readonly string[] = GIVEN_FIELDS.destination;
    expect(keys.filter((key) => destinationFieldFact(key) === undefined && !given.includes(key))).toEqual([]);
    expect(keys.filter((key) => destinationFieldFact(key) !== undefined && given.includes(key))).toEqual([]);
  });

  it("fills each field from one fact only, and names where a failed read is recorded", () => {
    const fields = DESTINATION_FACTS.flatMap((fact) => FACTS[fact].destination);
    expect(new Set(fields).size).toBe(fields.length);
    for (const fact of Object.keys(FACTS) as (keyof typeof FACTS)[]) {
      const entry = FACTS[fact];
      expect(entry.call, fact).toMatch(/^[A-Z][A-Za-z]+$/);
      // A bucket fact lands at the top level; the others only on destinations (or the rule's role).
      expect(entry.document !== null, fact).toBe(entry.kind === "bucket");
    }
  });

  it("lists in destination.unreadable (the schema's enum) exactly the destination facts whose read can fail per destination", () => {
    const unreadable = (schema.$defs.destination.properties["unreadable"] as { items: { enum: string[] } }).items.enum;
    expect([...unreadable].sort()).toEqual(DESTINATION_FACTS.filter((f) => FACTS[f].kind !== "organization").sort());
  });
});
