/**
 * What makes many simulations cheap without changing one answer (issue #15):
 * - each policy document is validated once (the simulator's own validation, handed back to it as
 *   @cloud-copilot/iam-policy's ValidatedPolicy, which `runSimulation` reuses instead of validating
 *   again): a role's policies are asked about for every bucket that uses the role;
 * - a decision is remembered under a key made of the whole query (principal, action, resource, its
 *   account, every policy's content, the context): the simulator is a pure function of those, so
 *   the same key always has the same answer. The memo is bounded, as an organization of a million
 *   buckets asks a million different questions;
 * - as every bucket's ARN differs, a fast-path decision is also remembered by the resource's class
 *   under the query's policies (resource-class.ts), and the resource-type check by the ARN's shape
 *   (resource-types.ts): what the simulator can tell apart, rather than the ARN itself.
 * Policy documents are never changed after they are read (the scanner reads each once), which is
 * what lets a document's validation and content key be kept beside the object.
 */
import { createHash } from "node:crypto";
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy, type ValidatedPolicy } from "@cloud-copilot/iam-policy";
import type { PolicyDocument } from "./types.js";

type Kind = "identity" | "resource";
const VALIDATE = { identity: validateIdentityPolicy, resource: validateResourcePolicy } as const;
const validatedByKind: Record<Kind, WeakMap<PolicyDocument, ValidatedPolicy<unknown>>> = { identity: new WeakMap(), resource: new WeakMap() };

/** The document with the simulator's validation of it as a policy of `kind`, computed once per document. */
export function validated(document: PolicyDocument, kind: Kind): ValidatedPolicy<unknown> {
  const cache = validatedByKind[kind];
  let policy = cache.get(document);
  // The metadata `runSimulation` gives a resource policy it loads ({ name: undefined }): the fast path's
  // `runUnsafeSimulation` loads the policy with the metadata it carries, and the analysis reads its name.
  if (policy === undefined) cache.set(document, (policy = createValidatedPolicy(document, VALIDATE[kind], { name: undefined })));
  return policy;
}

const contentKeys = new WeakMap<PolicyDocument, string>();
/**
 * The document's content as a key: the SHA-256 of its JSON, so two documents with the same content
 * have the same key, and a remembered decision holds 64 characters per policy, not the policy (a
 * role's policies can reach tens of KB, and the memo holds thousands of decisions).
 */
export function contentKey(document: PolicyDocument): string {
  let key = contentKeys.get(document);
  if (key === undefined) contentKeys.set(document, (key = createHash("sha256").update(JSON.stringify(document)).digest("hex")));
  return key;
}

/** Hits and misses (the access bench prints them), which outlive `release`. */
abstract class CountedMemo {
  hits = 0;
  misses = 0;

  /** `found`, counted as a hit, or `undefined`, counted as a miss. */
  protected counted<V>(found: V | undefined): V | undefined {
    if (found !== undefined) this.hits++;
    else this.misses++;
    return found;
  }

  /** Forgets the entries, keeping the counts: once the questions are asked, the answers need not stay. */
  abstract release(): void;

  clear(): void {
    this.release();
    this.hits = 0;
    this.misses = 0;
  }
}

/** A map that forgets its oldest entries past `capacity`: remembering is an optimisation, never needed for an answer. */
export class BoundedMemo<V> extends CountedMemo {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {
    super();
  }

  get(key: string, compute: () => V): V {
    const found = this.find(key);
    return found !== undefined ? found : this.remember(key, compute());
  }

  /** `get` in two steps, for a hot path that would otherwise make a closure per call: the value, counted as a hit, or `undefined`, counted as a miss… */
  find(key: string): V | undefined {
    return this.counted(this.entries.get(key));
  }

  /** …then the value computed for that miss, kept and returned. */
  remember(key: string, value: V): V {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
    return value;
  }

  release(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Answers in groups: the answers to one question about several actions (inputs and resource, or
 * resource class) kept together, so that the group's key is built and looked up once per question
 * and each action's answer by the action's name alone. Forgets its oldest groups past `capacity`.
 */
export class GroupedMemo<V> extends CountedMemo {
  private readonly groups = new Map<string, Map<string, V>>();
  constructor(private readonly capacity: number) {
    super();
  }

  /** The group of `key` (a new one when absent, the oldest group forgotten past capacity). */
  group(key: string): Map<string, V> {
    let found = this.groups.get(key);
    if (found === undefined) {
      if (this.groups.size >= this.capacity) this.groups.delete(this.groups.keys().next().value as string);
      this.groups.set(key, (found = new Map()));
    }
    return found;
  }

  /** The group's answer for `name`, counted as a hit, or `undefined` (a miss): `remember` it then. */
  find(group: Map<string, V>, name: string): V | undefined {
    return this.counted(group.get(name));
  }

  remember(group: Map<string, V>, name: string, value: V): V {
    group.set(name, value);
    return value;
  }

  release(): void {
    this.groups.clear();
  }

  /** Answers held, in every group. */
  get size(): number {
    let size = 0;
    for (const group of this.groups.values()) size += group.size;
    return size;
  }
}
