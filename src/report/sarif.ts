/**
 * `results.sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (mapping in
 * docs/reports.md). One result per `fail` and per `suppressed`; pass, error and not_applicable are
 * not findings (errors appear as tool execution notifications and make the invocation unsuccessful).
 * The pieces of the log; sarif-stream.ts writes it as the snapshot's records stream by.
 */
import { hash } from "node:crypto";
import type { AccountRecord, BucketDocument, Snapshot, PolicyResult, BucketError } from "../model/index.js";
import type { ReportPolicy } from "./policy-catalog.js";
import { SARIF_LEVEL, sarifRule } from "./sarif-rules.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const TOOL_INFORMATION_URI = "https://replguard.dev/";
/** uriBaseId of every result: the virtual tree `aws/<account>/<region>/<bucket>` (not repository files). */
export const SARIF_URI_BASE_ID = "AWS_RESOURCES";
/** Key in `partialFingerprints`; bump the version suffix if the fingerprint recipe ever changes. */
export const FINGERPRINT_KEY = "replguardFinding/v1";

type Json = Record<string, unknown>;

/**
 * Stable across scans: the same policy on the same bucket ARN gives the same fingerprint. The
 * one-shot `hash` (Node 20.12+), not a Hash object per finding: the same digest, without the
 * object and its three calls (about a tenth of the SARIF's CPU).
 */
export const findingFingerprint = (policyId: string, bucketArn: string): string => hash("sha256", `${policyId}\u0000${bucketArn}`, "hex");

/** `aws/<account>/<region>/<bucket>`, each segment percent-encoded (bucket names are already URI-safe). */
export const bucketUri = (result: Pick<PolicyResult, "accountId" | "region" | "bucket">): string =>
  ["aws", result.accountId, result.region, result.bucket].map(encodeURIComponent).join("/");

export const sentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function sarifResult(result: PolicyResult, ruleIndex: number, accountName: string | undefined): Json {
  const sarif: Json = {
    ruleId: result.policyId,
    ruleIndex,
    kind: "fail",
    level: SARIF_LEVEL[result.severity],
    message: { text: sentence(result.message || `${result.policyId} failed on ${result.bucket}`) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: bucketUri(result), uriBaseId: SARIF_URI_BASE_ID },
          region: { startLine: 1 },
        },
        logicalLocations: [{ name: result.bucket, fullyQualifiedName: result.bucketArn, kind: "resource" }],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(result.policyId, result.bucketArn) },
    properties: {
      accountId: result.accountId,
      ...(accountName === undefined ? {} : { accountName }),
      region: result.region,
      bucketArn: result.bucketArn,
      severity: result.severity,
      status: result.status,
      evidence: result.evidence.map((e) => ({ pointer: e.pointer, actual: e.actual ?? null, expected: e.expected })),
    },
  };
  if (result.status === "suppressed") {
    const suppression = result.suppression;
    const justification = suppression
      ? `${suppression.reason}${suppression.expires ? ` (until ${suppression.expires})` : ""}`
      : "Suppressed in the replguard configuration.";
    sarif.suppressions = [{ kind: "external", status: "accepted", justification }];
  }
  return sarif;
}

function notification(text: string, error: BucketError, where: Json, time: string): Json {
  return {
    level: "error",
    message: { text: sentence(`${text}: ${error.operation} failed with ${error.code}: ${error.message}`) },
    timeUtc: time,
    properties: { ...where, operation: error.operation, code: error.code },
  };
}

export function errorResultNotification(result: PolicyResult, time: string): Json {
  return {
    level: "error",
    message: { text: sentence(`Policy ${result.policyId} could not be evaluated on ${result.bucketArn}: ${result.message || "no reason given"}`) },
    associatedRule: { id: result.policyId },
    timeUtc: time,
    properties: { accountId: result.accountId, bucketArn: result.bucketArn, policyId: result.policyId, status: result.status },
  };
}

export const accountNotifications = (account: AccountRecord, time: string): Json[] =>
  account.errors.map((error) => notification(`Account ${account.id} (${account.name})`, error, { accountId: account.id }, time));

export const bucketNotifications = (bucket: BucketDocument, time: string): Json[] =>
  bucket.errors.map((error) => notification(`Bucket ${bucket.arn}`, error, { accountId: bucket.account.id, bucketArn: bucket.arn }, time));

/** Everything of the run but its results, from the snapshot's header and coverage and the notifications gathered. */
export function runHeadOf(
  snapshot: Pick<Snapshot, "scan" | "tool" | "configHash" | "coverage">,
  policies: readonly ReportPolicy[],
  notifications: Json[],
  complete: boolean,
): Json {
  const { scan, coverage } = snapshot;
  return {
    tool: {
      driver: {
        name: "replguard",
        version: snapshot.tool.version,
        semanticVersion: snapshot.tool.version,
        informationUri: TOOL_INFORMATION_URI,
        rules: policies.map(sarifRule),
      },
    },
    automationDetails: { id: `replguard/${scan.organizationId ?? scan.callerAccountId}/` },
    originalUriBaseIds: {
      [SARIF_URI_BASE_ID]: {
        description: { text: "Virtual root of the audited AWS resources: aws/<account id>/<region>/<bucket name> names an S3 bucket, not a repository file." },
      },
    },
    invocations: [
      {
        executionSuccessful: complete,
        startTimeUtc: scan.startedAt,
        endTimeUtc: scan.finishedAt,
        toolExecutionNotifications: notifications,
      },
    ],
    columnKind: "utf16CodeUnits",
    properties: {
      configHash: snapshot.configHash,
      scanMode: scan.mode,
      organizationId: scan.organizationId,
      coverage,
    },
  };
}

export const isFinding = (result: PolicyResult): boolean => result.status === "fail" || result.status === "suppressed";
export const findingKey = (result: PolicyResult): string => `${result.policyId}\u0000${result.bucketArn}`;

/**
 * SARIF 2.1.0 §3.27.24 `baselineState` against the baseline's findings: `new` (not a finding
 * before), `unchanged` (same status, bucket configuration unchanged), `updated` (a finding both
 * times, but its status moved between fail and suppressed or its bucket's configuration changed).
 */
export function baselineStateOf(result: PolicyResult, before: PolicyResult | undefined, changedBuckets: ReadonlySet<string>): string {
  if (before === undefined) return "new";
  return before.status === result.status && !changedBuckets.has(result.bucketArn) ? "unchanged" : "updated";
}
