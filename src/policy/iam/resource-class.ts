/**
 * The class of an S3 resource for a set of policies (issue #15): two ARNs in one class get the same
 * decision from the fast path's authorisation (fast-path.ts `fastDecision`), so a decision can be
 * remembered for the class rather than for each bucket's own ARN.
 *
 * Why it is exact. `authorize` (iam-simulate 0.1.173, core_engine/CoreSimulatorEngine.js) reads the
 * request's resource ARN in three places only:
 * - each statement's Resource / NotResource match (resource/resource.js `requestMatchesStatementResources`);
 * - the service's authoriser: for `s3` (S3ServiceAuthorizer) only with Block Public Access settings,
 *   which replguard never passes; the default authoriser reads the resource's *account*, which is
 *   the query's `resourceAccount`, part of the memo key. Other services (KMS reads `key/` off the ARN)
 *   are not classed: only `s3:` actions are;
 * - nothing else: conditions read the request context (part of the key), principals the principal.
 * For a request ARN `arn:aws:s3:::…` with no `*`, a policy resource ARN whose partition, service,
 * region and account segments are plain (letters, digits, `-`, `*`, `?`) is tested segment by
 * segment against `aws`, `s3`, ``, `` (case-insensitive RegExps): the same answer for every such
 * request, decided by the policy (its content is in the key). If it passes with service `s3` and
 * empty region and account, the rest is matched as a case-sensitive IAM wildcard (`*`, `?`, no
 * variables) against the request's part after `arn:aws:s3:::`, exactly `wildcardMatch`'s test. Each
 * statement's Resource (or NotResource) then matches as some pattern matches (or none does), so one
 * bit per statement with such patterns is the class.
 *
 * Where the class cannot be trusted, there is none and the decision is remembered per ARN as before:
 * - a policy variable (`${…}`, including `${*}`) in a resource: it resolves per request;
 * - a short ARN (fewer than six segments: expanded or refused per policy type), a segment with any
 *   other character, or a policy ARN that passes the segment tests without being an S3 bucket or
 *   object ARN (its product prefix would be compared with the bucket's name);
 * - a condition on a key AWS derives from the resource (aws:ResourceAccount, aws:ResourceOrgID,
 *   aws:ResourceOrgPaths, aws:ResourceTag/*, s3:ResourceAccount, s3:BucketTag/*,
 *   s3:ExistingObjectTag/*): the simulator reads them from the context like any key, but a class
 *   must not rest on that;
 * - a request that is not an `s3:` action on `arn:aws:s3:::…`, or whose ARN has a `*`.
 * The decision itself (allowed / explicit-deny / implicit-deny) mentions no resource; the messages
 * the scanner builds from it name the query's own ARN, and an evaluation error (which names the
 * ARN) comes from `runSimulation`, which is never remembered by class.
 */
import { PatternSet, statementsOf } from "./statements.js";
import type { AccessQuery, PolicyDocument } from "./types.js";

const S3_PREFIX = "arn:aws:s3:::";
/** The request's partition, service, region and account, for every ARN this module classes. */
const REQUEST_SEGMENTS = ["aws", "s3", "", ""];
const PLAIN_SEGMENT = /^[A-Za-z0-9*?-]*$/;
const RESOURCE_DERIVED_KEY = /resource|buckettag|existingobjecttag/i;

/** A policy as far as classes go: the S3 patterns of each statement that has any, or `null` when it cannot be classed. */
type Compiled = PatternSet[] | null;

type Kind = "all" | "never" | { s3: string } | "untrusted";

function kindOf(pattern: unknown): Kind {
  if (typeof pattern !== "string") return "untrusted";
  if (/^\*+$/.test(pattern)) return "all";
  const segments = pattern.split(":");
  if (segments.length < 6) return "untrusted";
  const middle = segments.slice(1, 5);
  if (!middle.every((segment) => PLAIN_SEGMENT.test(segment))) return "untrusted";
  // resource/resource.js `convertResourceSegmentToRegex`: `?` one character, `*` any run, case-insensitive.
  const passes = middle.every((segment, i) => new RegExp(`^${segment.replace(/\?/g, ".").replace(/\*/g, ".*?")}$`, "i").test(REQUEST_SEGMENTS[i] as string));
  if (!passes) return "never";
  if (middle[1] !== "s3" || middle[2] !== "" || middle[3] !== "") return "untrusted";
  const id = segments.slice(5).join(":");
  return id.includes("$") ? "untrusted" : { s3: id };
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function compile(document: PolicyDocument): Compiled {
  const statements: PatternSet[] = [];
  for (const statement of statementsOf(document)) {
    if (typeof statement !== "object" || statement === null) return null;
    const condition: unknown = statement.Condition;
    if (condition !== undefined) {
      if (typeof condition !== "object" || condition === null) return null;
      for (const keys of Object.values(condition)) {
        if (typeof keys !== "object" || keys === null || Object.keys(keys).some((key) => RESOURCE_DERIVED_KEY.test(key))) return null;
      }
    }
    const patterns: string[] = [];
    for (const pattern of [...list(statement.Resource), ...list(statement.NotResource)]) {
      const kind = kindOf(pattern);
      if (kind === "untrusted") return null;
      if (typeof kind === "object") patterns.push(kind.s3);
    }
    if (patterns.length > 0) statements.push(new PatternSet(patterns));
  }
  return statements;
}

/** Policy documents are never changed after they are read (memo.ts): each is compiled once. */
const compiledPolicies = new WeakMap<PolicyDocument, Compiled>();
function compiled(document: PolicyDocument): Compiled {
  let found = compiledPolicies.get(document);
  if (found === undefined) {
    try {
      found = compile(document);
    } catch {
      found = null;
    }
    compiledPolicies.set(document, found);
  }
  return found;
}

/**
 * The class of the query's resource under its policies (one character per statement with S3
 * patterns: whether any of them matches), or `undefined` when it cannot be trusted (see the header).
 */
export function resourceClass(query: AccessQuery): string | undefined {
  return query.action.startsWith("s3:") ? s3ResourceClass(query) : undefined;
}

/** `resourceClass` for any `s3:` action: it reads the action only for that prefix, so several actions about one resource share it. */
export function s3ResourceClass(query: Omit<AccessQuery, "action">): string | undefined {
  if (!query.resource.startsWith(S3_PREFIX) || query.resource.includes("*")) return undefined;
  const id = query.resource.slice(S3_PREFIX.length);
  let bits = "";
  const policies = query.resourcePolicy === undefined || query.resourcePolicy === null ? (query.identityPolicies ?? []) : [...(query.identityPolicies ?? []), query.resourcePolicy];
  for (const policy of policies) {
    const statements = compiled(policy);
    if (statements === null) return undefined;
    for (const patterns of statements) bits += patterns.matches(id) ? "1" : "0";
    bits += "|";
  }
  return bits;
}
