/**
 * `results.sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (mapping in
 * docs/reports.md). One result per `fail` and per `suppressed`; pass, error and not_applicable are
 * not findings (errors appear as tool execution notifications and make the invocation unsuccessful).
 */
import { createHash } from "node:crypto";
import type { AccountRecord, BucketDocument, Snapshot, PolicyResult, BucketError } from "../model/index.js";
import type { ReportBaseline } from "./types.js";
import type { ReportPolicy } from "./policy-catalog.js";
import { SARIF_LEVEL, sarifRule } from "./sarif-rules.js";
import { withReportFile } from "./output-stream.js";
import { runCompleteness } from "./completeness.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const TOOL_INFORMATION_URI = "https://replguard.dev/";
/** uriBaseId of every result: the virtual tree `aws/<account>/<region>/<bucket>` (not repository files). */
export const SARIF_URI_BASE_ID = "AWS_RESOURCES";
/** Key in `partialFingerprints`; bump the version suffix if the fingerprint recipe ever changes. */
export const FINGERPRINT_KEY = "replguardFinding/v1";

type Json = Record<string, unknown>;

/** Stable across scans: the same policy on the same bucket ARN gives the same fingerprint. */
export const findingFingerprint = (policyId: string, bucketArn: string): string =>
  createHash("sha256").update(`${policyId}\u0000${bucketArn}`).digest("hex");

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

/** The run without its results, which are streamed after it. */
export function sarifRunHead(snapshot: Snapshot, policies: readonly ReportPolicy[]): Json {
  const { scan } = snapshot;
  const notifications: Json[] = [];
  for (const account of snapshot.accounts) notifications.push(...accountNotifications(account, scan.finishedAt));
  for (const bucket of snapshot.buckets) notifications.push(...bucketNotifications(bucket, scan.finishedAt));
  const completeness = runCompleteness(snapshot);
  // An error result is a policy the audit could not decide: the run did not do its job there.
  for (const result of completeness.errorResults) notifications.push(errorResultNotification(result, scan.finishedAt));
  return runHeadOf(snapshot, policies, notifications, completeness.complete);
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

/**
 * Only findings: `fail` and `suppressed` results. With a baseline, each carries `baselineState`,
 * and every finding of the baseline that is gone now (fixed, bucket or account gone) follows as an
 * `absent` result, so a viewer can close it.
 */
export function* sarifResults(snapshot: Snapshot, policies: readonly ReportPolicy[], baseline?: ReportBaseline): Generator<Json> {
  const ruleIndex = new Map(policies.map((p, index) => [p.id, index]));
  const accountNames = new Map(snapshot.accounts.map((a) => [a.id, a.name]));
  const before = new Map<string, PolicyResult>();
  for (const result of baseline?.snapshot.results ?? []) if (isFinding(result)) before.set(findingKey(result), result);
  const changedBuckets = new Set(baseline?.drift.configuration.map((c) => c.bucketArn) ?? []);
  for (const result of snapshot.results) {
    if (!isFinding(result)) continue;
    const sarif = sarifResult(result, ruleIndex.get(result.policyId) ?? -1, accountNames.get(result.accountId));
    if (baseline !== undefined) {
      sarif.baselineState = baselineStateOf(result, before.get(findingKey(result)), changedBuckets);
      before.delete(findingKey(result));
    }
    yield sarif;
  }
  if (baseline === undefined) return;
  const namesBefore = new Map(baseline.snapshot.accounts.map((a) => [a.id, a.name]));
  const now = new Map(snapshot.results.map((r) => [findingKey(r), r.status]));
  for (const result of before.values()) {
    const index = ruleIndex.get(result.policyId);
    const sarif = sarifResult(result, index ?? -1, namesBefore.get(result.accountId));
    if (index === undefined) delete sarif.ruleIndex; // the policy no longer runs: name it by id only
    const status = now.get(findingKey(result)) ?? null;
    sarif.message = { text: sentence(`No longer reported (${status === null ? "no result now: the bucket, the policy or its account is gone, or the account could not be read" : `now ${status}`}); it was: ${result.message || result.policyId}`) };
    sarif.baselineState = "absent";
    (sarif.properties as Json).statusNow = status;
    yield sarif;
  }
}

/** The whole log as one object (tests, small snapshots); `writeSarif` streams the same content. */
export function renderSarif(snapshot: Snapshot, policies: readonly ReportPolicy[], baseline?: ReportBaseline): Json {
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [{ ...sarifRunHead(snapshot, policies), results: [...sarifResults(snapshot, policies, baseline)] }],
  };
}

export async function writeSarif(snapshot: Snapshot, policies: readonly ReportPolicy[], file: string, baseline?: ReportBaseline): Promise<void> {
  await withReportFile(file, async (out) => {
    const head = JSON.stringify(sarifRunHead(snapshot, policies));
    // The run head is an object: reopen it to append the results array last.
    await out.write(`{"$schema":${JSON.stringify(SARIF_SCHEMA_URI)},"version":"2.1.0","runs":[${head.slice(0, -1)},"results":[\n`);
    let first = true;
    for (const result of sarifResults(snapshot, policies, baseline)) {
      await out.write(`${first ? "" : ",\n"}${JSON.stringify(result)}`);
      first = false;
    }
    await out.write("\n]}]}\n");
  });
}
