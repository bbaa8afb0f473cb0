/**
 * A SARIF result written straight to its JSON text: the same bytes as `JSON.stringify` of
 * `sarifResult` (test/report/sarif-json.test.ts checks it), without building the object tree and
 * walking it again. In the report worker, building and stringifying each finding was the SARIF's
 * largest cost (a fifth of the report worker's SARIF CPU at 10,000 buckets). What comes from the
 * bucket and its account (its URI, names, the properties' head) is made once for a bucket's findings.
 */
import type { PolicyResult } from "../model/index.js";
import { FINGERPRINT_KEY, findingFingerprint, SARIF_URI_BASE_ID, bucketUri, sarifResult, sentence } from "./sarif.js";
import { SARIF_LEVEL } from "./sarif-rules.js";

const text = JSON.stringify;

/** Whether every member the template writes is the type the schema gives it (else `JSON.stringify` decides what to omit). */
const wellFormed = (result: PolicyResult, ruleIndex: number): boolean =>
  Number.isInteger(ruleIndex) &&
  typeof result.policyId === "string" &&
  typeof result.bucket === "string" &&
  typeof result.bucketArn === "string" &&
  typeof result.accountId === "string" &&
  typeof result.region === "string" &&
  typeof result.status === "string" &&
  typeof result.message === "string" &&
  typeof SARIF_LEVEL[result.severity] === "string" &&
  Array.isArray(result.evidence) &&
  result.status !== "suppressed";

/**
 * `JSON.stringify` of `sarifResult(result, ruleIndex, accountName)` with `baselineState` (when
 * given) as its last member. A suppressed finding, or a result not shaped as the schema says (a
 * hand-made snapshot the worker has not checked), takes the object path.
 */
export function sarifResultJson(result: PolicyResult, ruleIndex: number, accountName: string | undefined, baselineState?: string): string {
  if (!wellFormed(result, ruleIndex)) {
    const sarif = sarifResult(result, ruleIndex, accountName);
    if (baselineState !== undefined) sarif.baselineState = baselineState;
    return JSON.stringify(sarif);
  }
  const { policyId, bucket, bucketArn, severity, status } = result;
  const evidence = JSON.stringify(result.evidence.map((e) => ({ pointer: e.pointer, actual: e.actual ?? null, expected: e.expected })));
  const { locations, properties } = bucketParts(result, accountName);
  return (
    `{"ruleId":${text(policyId)},"ruleIndex":${ruleIndex},"kind":"fail","level":${text(SARIF_LEVEL[severity])},` +
    `"message":{"text":${text(sentence(result.message || `${policyId} failed on ${bucket}`))}},` +
    `${locations}"partialFingerprints":{${FINGERPRINT_KEY_JSON}:${text(findingFingerprint(policyId, bucketArn))}},` +
    `${properties}"severity":${text(severity)},"status":${text(status)},"evidence":${evidence}}` +
    `${baselineState === undefined ? "" : `,"baselineState":${text(baselineState)}`}}`
  );
}

const URI_BASE_ID_JSON = text(SARIF_URI_BASE_ID);
const FINGERPRINT_KEY_JSON = text(FINGERPRINT_KEY);

/** What a finding's text takes from its bucket and account alone, and whose they are. */
interface BucketParts {
  bucket: string;
  bucketArn: string;
  accountId: string;
  region: string;
  accountName: string | undefined;
  locations: string;
  properties: string;
}

/** The last bucket's parts: the records bring a bucket's findings one after another. */
let lastParts: BucketParts | null = null;

/** The finding's `locations` member and its properties' head (up to its bucket ARN), made once per bucket. */
function bucketParts(result: PolicyResult, accountName: string | undefined): BucketParts {
  const { bucket, bucketArn, accountId, region } = result;
  const last = lastParts;
  if (last !== null && last.bucketArn === bucketArn && last.bucket === bucket && last.accountId === accountId && last.region === region && last.accountName === accountName) return last;
  const locations =
    `"locations":[{"physicalLocation":{"artifactLocation":{"uri":${text(bucketUri(result))},"uriBaseId":${URI_BASE_ID_JSON}},"region":{"startLine":1}},` +
    `"logicalLocations":[{"name":${text(bucket)},"fullyQualifiedName":${text(bucketArn)},"kind":"resource"}]}],`;
  const properties = `"properties":{"accountId":${text(accountId)},${accountName === undefined ? "" : `"accountName":${text(accountName)},`}"region":${text(region)},"bucketArn":${text(bucketArn)},`;
  return (lastParts = { bucket, bucketArn, accountId, region, accountName, locations, properties });
}
