/**
 * The table of docs/policies.md "Destinations replguard cannot see": every destination-dependent
 * policy's verdict on one enabled rule whose destination is resolved, missing,
 * outside-organization, not-scanned, unknown, or whose HeadBucket probe failed. One test per cell.
 * Each column is the destination as the scanner writes it for that case (see scan/resolve.ts); the
 * resolved one satisfies every policy, so a cell that is not `pass` is the resolution's doing.
 * Every column declares an account (ACCOUNTS.external, outside the organization, where the bucket
 * is missing or outside; ACCOUNTS.dev, a member left out of the scan, where it is not scanned;
 * ACCOUNTS.noRole, a member whose scan failed, where the owner is unknown); a rule that declares an
 * outside account fails destination-in-organization whatever the column (last test).
 */
import { describe, expect, it } from "vitest";
import type { BucketDocument, ReplicationDestination, ResultStatus } from "../../src/model/index.js";
import { evaluateBucket, loadPolicies } from "../../src/policy/index.js";
import { ACCOUNTS } from "../support/accounts.js";
import { baseDocument, documentValidator } from "../support/policy-fixtures.js";

const unresolved: Partial<ReplicationDestination> = { resolved: false, versioning: null, objectLock: null, unreadable: [] };
const COLUMNS: Record<string, { destination: Partial<ReplicationDestination>; probeFailed?: boolean }> = {
  resolved: {
    destination: { objectLock: { enabled: true, mode: "COMPLIANCE", days: 30, years: null } },
  },
  missing: {
    destination: { ...unresolved, resolution: "missing", account: null, declaredAccount: ACCOUNTS.external, declaredAccountStatus: "unverified", declaredAccountInOrganization: false, region: null, inOrganization: null, crossAccount: null, crossRegion: null },
  },
  "outside-organization": {
    destination: { ...unresolved, resolution: "outside-organization", account: null, declaredAccount: ACCOUNTS.external, declaredAccountStatus: "unverified", declaredAccountInOrganization: false, region: "eu-central-1", inOrganization: false, crossAccount: true, crossRegion: true },
  },
  "not-scanned": {
    destination: { ...unresolved, resolution: "not-scanned", account: ACCOUNTS.dev, declaredAccount: ACCOUNTS.dev, declaredAccountStatus: "matches", region: "eu-west-1", inOrganization: true, crossAccount: true, crossRegion: true },
  },
  unknown: {
    destination: { ...unresolved, resolution: "unknown", account: null, declaredAccount: ACCOUNTS.noRole, declaredAccountStatus: "unverified", region: "eu-west-1", inOrganization: null, crossAccount: true, crossRegion: true },
  },
  "HeadBucket failed": {
    destination: { ...unresolved, resolution: "unknown", account: null, declaredAccount: ACCOUNTS.noRole, declaredAccountStatus: "unverified", region: null, inOrganization: null, crossAccount: null, crossRegion: null, unreadable: ["destinationBucket"] },
    probeFailed: true,
  },
};

const P: ResultStatus = "pass";
const F: ResultStatus = "fail";
const E: ResultStatus = "error";
const N: ResultStatus = "not_applicable";
//                                       resolved missing outside not-scanned unknown probe-failed
const TABLE: Record<string, ResultStatus[]> = {
  "destination-exists": /*           */ [P, F, P, P, P, E],
  "destination-versioning-enabled": /**/ [P, F, F, E, E, E],
  "destination-object-lock": /*      */ [P, F, F, E, E, E],
  "destination-separate-account": /* */ [P, F, P, P, P, E],
  "destination-different-region": /* */ [P, F, P, P, P, E],
  "destination-in-organization": /*  */ [P, F, F, P, E, E],
  "destination-account-verified": /* */ [P, F, F, P, E, E],
  "destination-owner-override": /*   */ [P, N, P, P, P, E],
  // A rule-configuration policy gives the same verdict whatever the destination.
  "replication-time-control": /*     */ [P, P, P, P, P, P],
};

function documentFor(column: string): BucketDocument {
  const spec = COLUMNS[column];
  if (spec === undefined) throw new Error(column);
  const doc = baseDocument("source");
  const rule = doc.replication?.rules[0];
  if (rule === undefined) throw new Error("base changed");
  rule.destination = { ...rule.destination, replicationTime: { enabled: true, minutes: 15 }, ...spec.destination };
  if (spec.probeFailed) doc.errors.push({ operation: "HeadBucket", code: "InternalError", message: `destination ${rule.destination.bucket}: We encountered an internal error.` });
  return doc;
}

const cells = Object.entries(TABLE).flatMap(([policyId, row]) => Object.keys(COLUMNS).map((column, i) => ({ policyId, column, expected: row[i] })));

describe("policies/destinations replguard cannot see", () => {
  const set = loadPolicies();

  it.each(Object.keys(COLUMNS))("writes the %s column as a valid bucket document", (column) => {
    expect(documentValidator(documentFor(column)), JSON.stringify(documentValidator.errors)).toBe(true);
  });

  it.each(cells)("$policyId on a $column destination: $expected", async ({ policyId, column, expected }) => {
    const result = evaluateBucket(await set, documentFor(column)).find((r) => r.policyId === policyId);
    expect({ status: result?.status, message: result?.message }).toMatchObject({ status: expected });
  });

  it("fails destination-in-organization for a rule declaring an outside account in every column but HeadBucket failed", async () => {
    for (const column of ["resolved", "missing", "outside-organization", "not-scanned", "unknown"]) {
      const doc = documentFor(column);
      const destination = doc.replication?.rules[0]?.destination as ReplicationDestination;
      Object.assign(destination, { declaredAccount: ACCOUNTS.external, declaredAccountInOrganization: false });
      const result = evaluateBucket(await set, doc).find((r) => r.policyId === "destination-in-organization");
      expect(result?.status, column).toBe("fail");
    }
  });
});
