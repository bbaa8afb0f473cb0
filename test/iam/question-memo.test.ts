/**
 * Decisions remembered per question (issue #15, src/policy/iam/evaluate.ts): the inputs of a question
 * (principal, resource account, policies' content, context) are numbered once, its several actions
 * answered under that number, at once when what the fast path rests on is already known. Questions
 * that differ in policy text, a context value or the resource's account must not share an answer;
 * equal questions (equal content, other objects) must; and the answers, from cold caches or warm,
 * are the simulator's own.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { clearDecisionMemo, decisionMemoStats, missingActions } from "../../src/policy/iam/evaluate.js";
import type { AccessQuery, PolicyDocument, PolicyStatement } from "../../src/policy/iam/index.js";
import { inputsId } from "../../src/policy/iam/input-ids.js";
import { GroupedMemo } from "../../src/policy/iam/memo.js";
import { referenceSimulation } from "../support/iam-reference.js";

const SOURCE = "111122223333";
const DEST = "444455556666";
const ROLE = `arn:aws:iam::${SOURCE}:role/repl`;
const CONTEXT = { "aws:PrincipalAccount": SOURCE, "aws:PrincipalArn": ROLE, "aws:SecureTransport": "true", "aws:PrincipalOrgID": "o-org" };
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const ACTIONS = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"];
const identity = (resource: string): PolicyDocument => doc({ Effect: "Allow", Action: ["s3:Replicate*", "s3:ObjectOwnerOverrideToBucketOwner"], Resource: resource });
/** A vault's policy: the organization's principals may replicate, but not delete markers. */
const vaultPolicy = (): PolicyDocument =>
  doc(
    { Effect: "Allow", Principal: "*", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: "arn:aws:s3:::vault/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-org" } } },
    { Effect: "Deny", Principal: "*", Action: "s3:ReplicateDelete", Resource: "arn:aws:s3:::vault/*" },
  );
const question = (extra: Partial<Omit<AccessQuery, "action">> = {}): Omit<AccessQuery, "action"> => ({
  principal: ROLE,
  resource: "arn:aws:s3:::vault/logs/replguard-object",
  resourceAccount: DEST,
  identityPolicies: [identity("arn:aws:s3:::vault/*")],
  resourcePolicy: vaultPolicy(),
  context: CONTEXT,
  ...extra,
});

/** The actions the simulator itself (no memo, no fast path) does not allow. */
async function referenceMissing(asked: Omit<AccessQuery, "action">): Promise<string[]> {
  const answers = await Promise.all(ACTIONS.map((action) => referenceSimulation({ ...asked, action } as AccessQuery)));
  return ACTIONS.filter((_, i) => answers[i] !== "Allowed");
}

describe("policy/iam decisions remembered per question", () => {
  beforeEach(() => clearDecisionMemo());

  it("answers every action of a question as the simulator does, from cold caches and from warm ones", async () => {
    const questions = [question(), question({ resourcePolicy: null }), question({ resourceAccount: SOURCE, resourcePolicy: null }), question({ resource: "arn:aws:s3:::vault/*" })];
    for (const round of [1, 2]) {
      for (const asked of questions) expect(await missingActions(asked, ACTIONS), `round ${round}: ${JSON.stringify(asked)}`).toEqual(await referenceMissing(asked));
      clearDecisionMemo();
    }
    // The cases differ, so a shared answer would have shown.
    expect(new Set(await Promise.all(questions.map(async (q) => JSON.stringify(await referenceMissing(q))))).size).toBeGreaterThan(2);
  });

  it("does not share answers between questions that differ in policy text, a context value or the resource's account", async () => {
    const base = question();
    const variants: Array<Omit<AccessQuery, "action">> = [
      question({ identityPolicies: [identity("arn:aws:s3:::other/*")] }), // policy text
      question({ context: { ...CONTEXT, "aws:PrincipalOrgID": "o-other" } }), // a context value
      question({ resourceAccount: SOURCE }), // the resource's account: no grant needed from the vault's policy
    ];
    const expected = await referenceMissing(base);
    for (const variant of variants) {
      clearDecisionMemo();
      expect(await missingActions(base, ACTIONS)).toEqual(expected);
      const before = decisionMemoStats();
      const answer = await missingActions(variant, ACTIONS);
      expect(answer, JSON.stringify(variant)).toEqual(await referenceMissing(variant));
      expect(answer).not.toEqual(expected);
      expect(decisionMemoStats().hits).toBe(before.hits); // nothing remembered from the other question
    }
  });

  it("shares the answers of an equal question (equal content, other objects), and of another bucket of the same class", async () => {
    const first = await missingActions(question(), ACTIONS);
    const before = decisionMemoStats();
    expect(await missingActions(question(), ACTIONS)).toEqual(first);
    expect(decisionMemoStats().hits).toBe(before.hits + ACTIONS.length);
    expect(decisionMemoStats().simulations).toBe(before.simulations);
    // Another object in the same vault: the same class under these policies, no new simulation.
    const other = question({ resource: "arn:aws:s3:::vault/other/replguard-object" });
    expect(await missingActions(other, ACTIONS)).toEqual(await referenceMissing(other));
    expect(decisionMemoStats().simulations).toBe(before.simulations);
    expect(decisionMemoStats().classHits).toBe(before.classHits + ACTIONS.length);
  });
});

describe("policy/iam inputs found by frozen identity lists and contexts", () => {
  beforeEach(() => clearDecisionMemo());
  const identityList = Object.freeze([identity("arn:aws:s3:::vault/*")]);
  const context = Object.freeze({ ...CONTEXT });

  it("tells apart what the frozen objects leave out (principal, resource account, resource policy text) and other frozen contexts", async () => {
    const frozen = (extra: Partial<Omit<AccessQuery, "action">>) => question({ identityPolicies: identityList, context, ...extra });
    const open = (extra: Partial<Omit<AccessQuery, "action">>) => question({ identityPolicies: [...identityList], context: { ...context }, ...extra });
    const variants: Array<Partial<Omit<AccessQuery, "action">>> = [
      {},
      { resourceAccount: SOURCE },
      { principal: `arn:aws:iam::${SOURCE}:role/other` },
      { resourcePolicy: doc({ Effect: "Allow", Principal: "*", Action: "s3:Replicate*", Resource: "arn:aws:s3:::vault/*" }) },
      { resourcePolicy: null },
      { context: Object.freeze({ ...CONTEXT, "aws:PrincipalOrgID": "o-other" }) },
    ];
    const expected = await Promise.all(variants.map((extra) => referenceMissing(open(extra))));
    expect(new Set(expected.map((e) => JSON.stringify(e))).size).toBeGreaterThan(2);
    for (const order of [variants.keys(), [...variants.keys()].reverse()]) {
      clearDecisionMemo();
      for (const i of order) expect(await missingActions(frozen(variants[i]!), ACTIONS), JSON.stringify(variants[i])).toEqual(expected[i]);
    }
  });

  it("numbers frozen questions by their resource policy object: equal content one number, an empty policy not none", () => {
    const frozen = (extra: Partial<Omit<AccessQuery, "action">>) => question({ identityPolicies: identityList, context, ...extra });
    const policy = vaultPolicy();
    const id = inputsId(frozen({ resourcePolicy: policy }));
    expect(inputsId(frozen({ resourcePolicy: policy }))).toBe(id);
    expect(inputsId(frozen({ resourcePolicy: vaultPolicy() }))).toBe(id); // another object, the same content
    const none = inputsId(frozen({ resourcePolicy: null }));
    expect(inputsId(frozen({ resourcePolicy: undefined }))).toBe(none);
    const empty = inputsId(frozen({ resourcePolicy: { Statement: [] } }));
    expect(new Set([id, none, empty]).size).toBe(3);
    expect(inputsId(frozen({ resourcePolicy: null, principal: `arn:aws:iam::${SOURCE}:role/other` }))).not.toBe(none);
    expect(inputsId(frozen({ resourcePolicy: null, resourceAccount: SOURCE }))).not.toBe(none);
  });

  it("shares the answers of a frozen question with the same question asked with unfrozen copies", async () => {
    const first = await missingActions(question({ identityPolicies: identityList, context }), ACTIONS);
    const before = decisionMemoStats();
    expect(await missingActions(question({ identityPolicies: [...identityList], context: { ...context } }), ACTIONS)).toEqual(first);
    expect(decisionMemoStats().hits).toBe(before.hits + ACTIONS.length);
  });
});

describe("policy/iam GroupedMemo", () => {
  it("finds an answer by its group and name only, counts hits and misses, and forgets its oldest group past capacity", () => {
    const memo = new GroupedMemo<number>(2);
    const a = memo.group("a");
    expect(memo.find(a, "x")).toBeUndefined();
    memo.remember(a, "x", 1);
    expect(memo.find(memo.group("a"), "x")).toBe(1);
    expect(memo.find(memo.group("b"), "x")).toBeUndefined(); // another group, another answer
    expect([memo.hits, memo.misses]).toEqual([1, 2]);
    memo.remember(memo.group("b"), "x", 2);
    memo.group("c"); // a third group: "a", the oldest, is forgotten
    expect(memo.find(memo.group("a"), "x")).toBeUndefined();
    expect(memo.size).toBe(0); // "b" went when "a" came back
  });
});
