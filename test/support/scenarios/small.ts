/** The sandbox tests' small organization: one account per way STS and Organizations must differ. */
import type { Scenario, ScenarioAccount } from "../../../src/sandbox/index.js";
import { ACCOUNTS } from "../accounts.js";
import { account, bucket, scenario } from "../scenario.js";

/** Five member accounts in a two-level OU tree, one external account, a handful of buckets. */
export function smallScenario(extraAccounts: ScenarioAccount[] = []): Scenario {
  return scenario({
    organization: "o-test123456",
    accounts: [
      account(ACCOUNTS.management, "management", { tags: { owner: "platform" }, buckets: [bucket("mgmt-trail", "us-east-1", { versioning: "Enabled" })] }),
      account(ACCOUNTS.prod, "prod", {
        ou: "Workloads/Prod",
        tags: { env: "prod", team: "payments" },
        buckets: [bucket("prod-data", "eu-west-1", { versioning: "Enabled" })],
      }),
      account(ACCOUNTS.noRole, "no-role", { ou: "Workloads/Dev", auditRole: false }),
      account(ACCOUNTS.externalId, "partnered", { ou: "Workloads", auditRole: { externalId: "audit-7f3a" } }),
      account(ACCOUNTS.suspended, "old", { ou: "Suspended", status: "SUSPENDED" }),
      ...extraAccounts,
    ],
    external: [account(ACCOUNTS.external, "partner", { buckets: [bucket("partner-bucket", "eu-west-1")] })],
  });
}
