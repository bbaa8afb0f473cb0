/**
 * The account ids of the test scenarios, one meaning each across every test file: a test that
 * reads `ACCOUNTS.noRole` means the member account without an audit role wherever it runs, so an
 * id in a failure message or a fixture tells its role without opening the scenario.
 * (The shipped demo, scenarios/demo.json, and the moto conformance world have their own ids.)
 */
export const ACCOUNTS = {
  /** The organization's management account: the caller, with no audit role of its own. */
  management: "111111111111",
  /** The production workload account: owns the source buckets. */
  prod: "222222222222",
  /** The backup account: owns the replicas (Object Lock vaults). */
  backup: "333333333333",
  /** A member account whose audit role requires an external id. */
  externalId: "444444444444",
  /** The development account: an ordinary member, excluded from the scan in some tests. */
  dev: "555555555555",
  /** A suspended member account. */
  suspended: "666666666666",
  /** A member account without the audit role: it cannot be scanned. */
  noRole: "777777777777",
  /** Another member account: its buckets are shared (or not) with prod through bucket policies. */
  other: "888888888888",
  /** An account outside the organization (a partner). */
  external: "999999999999",
} as const;

export type AccountName = keyof typeof ACCOUNTS;

/** The audit role every scenario uses (AWS Organizations' default). */
export const AUDIT_ROLE = "OrganizationAccountAccessRole";

export const roleArn = (accountId: string, name: string = AUDIT_ROLE): string => `arn:aws:iam::${accountId}:role/${name}`;
