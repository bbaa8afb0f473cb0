/**
 * Evaluation: every (bucket, policy) pair gets one result. Order of questions:
 *   0. does the policy read a destination fact whose probe failed?  → error
 *   1. does the bucket match appliesTo?                             → no: not_applicable
 *      (when appliesTo reads a fact that failed or was not collected and the answer depends on
 *      it: error; see applicability.ts)
 *   3. does check read a fact that failed or was not collected?     → error
 *   4. does the bucket satisfy check?                               → pass, else fail (or suppressed)
 * A policy that throws yields `error` on that (bucket, policy), never a crashed run.
 */
import {
  accessCalls,
  DESTINATION_FACTS,
  FACTS,
  type AccessFact,
  destinationFieldFact,
  type BucketDocument,
  type DestinationFact,
  type FactName,
  type PolicyResult,
  type Suppression,
} from "../model/index.js";
import { scopeDespite } from "./applicability.js";
import { groupEvidence, type EvidenceGroup } from "./evidence.js";
import { compiled, contextOf, freshMemo, inScope, NO_MEMO, preparedSet, sentence, UNSHARED, type Compiled, type DocumentMemo, type PreparedSet, type Slots } from "./evaluate-prepared.js";
import { findSuppression, suppressionIndex } from "./suppressions.js";
import type { LoadedPolicy, PolicySet } from "./types.js";

export interface EvaluateOptions {
  /** Suppressions from the config file; pass the same array for every bucket (it is indexed once). */
  suppressions?: Suppression[];
  /** Clock for suppression expiry; default: now. */
  now?: Date;
}

export function evaluateBucket(set: PolicySet, doc: BucketDocument, options: EvaluateOptions = {}): PolicyResult[] {
  const suppressions = options.suppressions ?? [];
  const now = options.now ?? new Date();
  // A malformed suppression is a ConfigError for the run, not an error result (none to check when there are none).
  if (suppressions.length > 0) suppressionIndex(suppressions);
  const { policies } = set;
  const prepared = preparedSet(policies);
  // Most documents have every fact any policy reads: then no policy needs to look for unreadable
  // ones. Else a policy that reads none of the facts this document lacks is as readable as on a
  // complete document (about half the documents of an audit lack the facts of a replicating bucket,
  // and the per-policy search for them, twice a policy, was a few percent of evaluation).
  const lacking = lackingBits(doc, prepared);
  const memo = freshMemo(prepared);
  const results = new Array<PolicyResult>(policies.length);
  for (let i = 0; i < policies.length; i++) {
    const policyReadable = (lacking & (prepared.readBits[i] as number)) === 0;
    results[i] = evaluateWith(policies[i] as LoadedPolicy, prepared.compiled[i] as Compiled, doc, suppressions, now, policyReadable, memo, prepared.slots[i] as Slots);
  }
  return results;
}

/**
 * The facts of the set that unreadableFacts would report on this document, as the set's bits
 * (evaluate-prepared.ts `facts`: bit i for facts[i]), where `facts.every(collected.includes)` and
 * each policy's search of the lacking list compared strings over and over (a few percent of the
 * warm rounds). Fact names are string constants or JSON's short strings, which V8 internalizes:
 * `===` between them compares references.
 */
function lackingBits(doc: BucketDocument, prepared: PreparedSet): number {
  const { facts } = prepared;
  let present = 0;
  for (const fact of doc.collected) {
    for (let i = 0; i < facts.length; i++) if (fact === facts[i]) present |= 1 << i;
  }
  let lacking = prepared.allBits & ~present;
  if (doc.errors.length === 0) return lacking;
  for (let i = 0; i < facts.length; i++) if ((lacking & (1 << i)) === 0 && failedCall(doc, facts[i] as FactName)) lacking |= 1 << i;
  return lacking;
}

/** The failed call that read a fact of this document, if any. */
const failedCall = (doc: BucketDocument, fact: FactName): BucketDocument["errors"][number] | undefined => {
  const operation = FACTS[fact].call;
  return doc.errors.find((e) => e.operation === operation);
};

/** Whether a fact of this document is unknown: its call failed, or it was not collected. */
function lacks(doc: BucketDocument, fact: FactName): boolean {
  return !doc.collected.includes(fact) || failedCall(doc, fact) !== undefined;
}

export function evaluatePolicy(policy: LoadedPolicy, doc: BucketDocument, suppressions: Suppression[], now: Date): PolicyResult {
  return evaluateWith(policy, compiled(policy), doc, suppressions, now, false, NO_MEMO, UNSHARED);
}

/**
 * `readable`: the caller knows every fact the policy reads was collected and no call failed.
 * `memo` at `slots`: this document's answers shared with other policies (evaluate-prepared.ts).
 */
function evaluateWith(
  policy: LoadedPolicy,
  fast: Compiled,
  doc: BucketDocument,
  suppressions: Suppression[],
  now: Date,
  readable: boolean,
  memo: DocumentMemo,
  slots: Slots,
): PolicyResult {
  try {
    const probe = doc.errors.length === 0 ? null : failedProbe(doc, policy.facts.destinations);
    if (probe !== null) return makeResult(policy, doc, "error", probe);
    const unreadable = readable ? NONE : unreadableFacts(doc, policy.facts.appliesTo);
    const scope =
      unreadable.length === 0
        ? inScope(policy, doc, memo, slots.scope)
          ? "applies"
          : "not_applicable"
        : scopeDespite(policy.validators.appliesToParts, doc, unreadable);
    if (scope === "depends") return makeResult(policy, doc, "error", unreadableMessage(doc, unreadable[0] as Unreadable));
    if (scope === "not_applicable") return makeResult(policy, doc, "not_applicable", sentence(fast.not_applicable, fast, doc, memo, slots.notApplicable));
    const unreadableCheck = readable ? undefined : unreadableFacts(doc, policy.facts.check)[0];
    if (unreadableCheck) return makeResult(policy, doc, "error", unreadableMessage(doc, unreadableCheck));
    if (policy.validators.check(doc)) return makeResult(policy, doc, "pass", sentence(fast.pass, fast, doc, memo, slots.pass));

    const groups = groupEvidence(doc, policy.validators.check.errors ?? []);
    const context = contextOf(fast, doc);
    const unscanned = unscannedDestinationError(doc, groups);
    if (unscanned !== null) return makeResult(policy, doc, "error", unscanned);
    // Most failures have one group: its sentence and evidence as they are, without the set and the copies.
    const only = groups.length === 1 ? (groups[0] as EvidenceGroup) : undefined;
    const message = only ? fast.fail(failContext(context, doc, only)) : [...new Set(groups.map((group) => fast.fail(failContext(context, doc, group))))].join("; ");
    const evidence = only ? only.evidence : groups.flatMap((group) => group.evidence);
    const suppression = findSuppression(suppressions, policy.id, doc.arn, now);
    return makeResult(policy, doc, suppression ? "suppressed" : "fail", message, evidence, suppression);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return makeResult(policy, doc, "error", `policy ${policy.id} could not be evaluated on ${doc.name}: ${detail}`);
  }
}

/** One object literal per result, in the key order the snapshot writes (no copies of a draft). */
function makeResult(
  policy: LoadedPolicy,
  doc: BucketDocument,
  status: PolicyResult["status"],
  message: string,
  evidence: PolicyResult["evidence"] = [],
  suppression: Suppression | null = null,
): PolicyResult {
  return {
    policyId: policy.id,
    bucketArn: doc.arn,
    bucket: doc.name,
    accountId: doc.account.id,
    region: doc.region,
    status,
    severity: policy.severity,
    message,
    evidence,
    suppression,
  };
}

/** The fail message's context: `{ bucket, account, params, rule…evidence }`, then `policy` if the base ends with it (the order `{ ...context, policy }` gives). */
function failContext(base: Record<string, unknown>, doc: BucketDocument, group: EvidenceGroup): object {
  const rule = group.ruleIndex === null ? undefined : doc.replication?.rules[group.ruleIndex];
  const first = group.evidence[0];
  const context: Record<string, unknown> = {
    bucket: base["bucket"],
    account: base["account"],
    params: base["params"],
    rule,
    ruleIndex: group.ruleIndex,
    destination: rule?.destination,
    pointer: first?.pointer,
    actual: first?.actual,
    expected: first?.expected,
    evidence: group.evidence,
  };
  if ("policy" in base) context["policy"] = base["policy"];
  return context;
}

/** `/replication/rules/<i>/destination/<field>`: the field, for fields some destination fact fills (FACTS). */
const DESTINATION_FIELD = new RegExp(
  `^/replication/rules/\\d+/destination/(${DESTINATION_FACTS.flatMap((fact) => FACTS[fact].destination).join("|")})(/|$)`,
);
const factAt = (pointer: string): DestinationFact | undefined => {
  const field = DESTINATION_FIELD.exec(pointer)?.[1];
  return field === undefined ? undefined : destinationFieldFact(field);
};
/** A value that says "not known" rather than a verified answer. */
const unverified = (value: unknown): boolean => value === null || value === undefined || value === "unverified";

/**
 * A failure that rests only on facts of destinations replguard could not read is not a finding
 * but missing evidence: `error`, like any fact whose call failed. That is a destination whose owner
 * could not be verified or which was not scanned (resolution `unknown` / `not-scanned`) failing on
 * a value that is unknown, or a destination whose read of that fact failed (listed in its
 * `unreadable`). A destination outside the organization or missing stays a `fail`: its facts can
 * never be verified by the organization, which is itself the finding.
 */
function unscannedDestinationError(doc: BucketDocument, groups: EvidenceGroup[]): string | null {
  if (groups.length === 0) return null;
  const sentences: string[] = [];
  for (const group of groups) {
    const rule = group.ruleIndex === null ? undefined : doc.replication?.rules[group.ruleIndex];
    if (rule === undefined) return null;
    const { id, destination } = rule;
    const blind = destination.resolution === "not-scanned" || destination.resolution === "unknown";
    if (blind && group.evidence.every((e) => factAt(e.pointer) !== undefined && unverified(e.actual))) {
      sentences.push(
        destination.account !== null
          ? `destination bucket ${destination.bucket} of rule \`${id}\` is in account ${destination.account}, outside the scanned regions; its facts are unknown, so this policy cannot be evaluated`
          : `the owner of destination bucket ${destination.bucket} of rule \`${id}\` could not be determined (no scanned account lists it, and not every account was scanned), so this policy cannot be evaluated`,
      );
      continue;
    }
    // Nothing of this destination failed to be read (most): no field can be among its unreadable ones.
    if (destination.unreadable.length === 0 && group.evidence.length > 0) return null;
    const facts = group.evidence.map((e) => factAt(e.pointer));
    if (facts.every((fact) => fact !== undefined && destination.unreadable.includes(fact))) {
      const fields = [...new Set(group.evidence.map((e) => DESTINATION_FIELD.exec(e.pointer)?.[1]))].join(" and ");
      sentences.push(`${fields} of destination bucket ${destination.bucket} of rule \`${id}\` could not be read (its call failed), so this policy cannot be evaluated`);
      continue;
    }
    return null;
  }
  return [...new Set(sentences)].join("; ");
}

/**
 * A policy that reads a destination fact learnt by a probe (HeadBucket) on a bucket where that probe
 * failed: the verdict, pass included, could rest on the unknown, so it is `error` (FACTS: a failed
 * probe is an entry of the source bucket's errors[]).
 */
function failedProbe(doc: BucketDocument, facts: DestinationFact[]): string | null {
  for (const fact of facts) {
    const { call, kind } = FACTS[fact];
    if (kind === "access") {
      // Who may do what could not be read (a role, a bucket or key policy): the verdict would rest on it.
      const calls = accessCalls(fact as AccessFact);
      const denied = doc.errors.find((e) => calls.includes(e.operation));
      if (denied) return `${denied.operation} failed with ${denied.code} (${denied.message}); the ${ACCESS_WORDS[fact as AccessFact]} unknown, so this policy cannot be evaluated`;
      continue;
    }
    if (kind !== "probe") continue;
    const failure = doc.errors.find((e) => e.operation === call);
    if (failure) return `${call} failed with ${failure.code} (${failure.message}); whether that destination exists, and who owns it, is unknown, so this policy cannot be evaluated`;
  }
  return null;
}

const ACCESS_WORDS: Record<AccessFact, string> = {
  replicationRole: "replication role's trust policy and permissions are",
  destinationPolicy: "destination's bucket policy is",
  destinationOwnership: "destination's Object Ownership is",
  keyPolicies: "KMS key policy is",
};

interface Unreadable {
  fact: FactName;
  /** The failed call that read it; undefined when it was not collected. */
  failure: BucketDocument["errors"][number] | undefined;
}

/** The answer when every fact is readable, shared: most documents have no failed call. */
const NONE: Unreadable[] = [];

/**
 * Facts the schema reads that are unavailable (their call failed, or they were not collected). Their
 * sentences are written only for the result that reports one (unreadableMessage): most documents
 * that lack a fact are out of the scope of the policies that read it, and need none.
 */
function unreadableFacts(doc: BucketDocument, facts: FactName[]): Unreadable[] {
  if (doc.errors.length === 0 && facts.every((fact) => doc.collected.includes(fact))) return NONE;
  const out: Unreadable[] = [];
  for (const fact of facts) if (lacks(doc, fact)) out.push({ fact, failure: failedCall(doc, fact) });
  return out;
}

/** Why a fact is unknown, as the error result says it. */
function unreadableMessage(doc: BucketDocument, { fact, failure }: Unreadable): string {
  const operation = FACTS[fact].call;
  return failure
    ? `${operation} failed with ${failure.code} (${failure.message}); ${fact} of ${doc.name} is unknown, so this policy cannot be evaluated`
    : `${fact} of ${doc.name} was not collected (${operation} was not called), so this policy cannot be evaluated`;
}
