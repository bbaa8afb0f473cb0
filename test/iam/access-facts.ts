/** What the access pass states, for comparing two runs: per bucket, its errors, its role's facts and each rule's destination. */
import type { BucketDocument } from "../../src/model/index.js";
import { generateScenario, loadScenario, type Scenario } from "../../src/sandbox/index.js";
import { accessScenario } from "./scenario.js";

/** Each role's facts once (they are the same for every bucket using it; a bucket that differs keeps its own copy). */
export function accessFactsOf(buckets: readonly BucketDocument[]): { roles: Record<string, unknown>; buckets: unknown[] } {
  const roles: Record<string, unknown> = {};
  const replicating = [...buckets].sort((a, b) => a.arn.localeCompare(b.arn)).filter((doc) => doc.replication?.configured === true);
  return {
    roles,
    buckets: replicating.map((doc) => {
      const facts = doc.replication?.roleFacts ?? null;
      const role = doc.replication?.role ?? "";
      if (facts !== null && !(role in roles)) roles[role] = facts;
      const same = facts !== null && JSON.stringify(roles[role]) === JSON.stringify(facts);
      return {
        name: doc.name,
        errors: doc.errors,
        role,
        ...(same ? {} : { roleFacts: facts }),
        destinations: (doc.replication?.rules ?? []).map(({ id, destination: d }) => ({
          rule: id,
          bucket: d.bucket,
          roleMissingActions: d.roleMissingActions,
          bucketPolicy: d.bucketPolicy,
          objectOwnership: d.objectOwnership,
          keyPoliciesRead: d.keyPoliciesRead,
          unreadable: d.unreadable,
        })),
      };
    }),
  };
}

/** The organizations the fixture was made from (on main, before the IAM evaluation was made faster). */
export const ACCESS_FIXTURE_SCENARIOS: Record<string, () => Promise<Scenario>> = {
  demo: () => loadScenario("demo"),
  access: async () => accessScenario(),
  "generated accounts=4,buckets=30,seed=7": async () => generateScenario({ accounts: 4, buckets: 30, seed: 7 }),
};
