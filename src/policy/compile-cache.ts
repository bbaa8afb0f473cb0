/**
 * Compiled policies, kept per process. Compiling a policy (ajv's meta-schema check and code
 * generation, the appliesTo split, the message templates) costs about 15 ms of CPU, the whole
 * default set 0.3 s, and a process that loads the same policies again (the test suite, a merge
 * after its shards' audits, a library user auditing several organizations) paid it every time.
 *
 * The key is everything compilePolicy reads: the file's path, source and parsed content, the
 * effective severity, the packs listing it, its configured parameters and the file they came from.
 * Equal inputs give an equal policy, so a hit changes no result; a compile error is never stored
 * (the next load throws the same error again).
 */
import type { LoadedPolicy } from "./types.js";

/** Enough for every policy set a process plausibly uses; the oldest entry goes first beyond it. */
const MAX_ENTRIES = 512;
const cache = new Map<string, LoadedPolicy>();

export function cachedPolicy(inputs: readonly unknown[], compile: () => LoadedPolicy): LoadedPolicy {
  const key = JSON.stringify(inputs);
  let policy = cache.get(key);
  if (policy === undefined) {
    policy = compile();
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, policy);
  }
  // A shallow copy: a caller that sets a field of its set's policy does not change another set's.
  return copyPolicy(policy);
}

/**
 * The shallow copy as one object literal, every field in LoadedPolicy's order (the order `{ ...policy }`
 * gave): every copy then has the same hidden class. The spread gave the default set's 22 policies
 * six of them (its copies depend on how each original grew), which made every `policy.…` read of
 * evaluation a megamorphic lookup, on each of an audit's two million (document, policy) pairs.
 */
function copyPolicy(p: LoadedPolicy): LoadedPolicy {
  // Required: a field added to LoadedPolicy, optional or not, must be listed here too.
  const copy: Required<LoadedPolicy> = {
    id: p.id,
    title: p.title,
    severity: p.severity,
    description: p.description,
    rationale: p.rationale,
    remediation: p.remediation,
    frameworks: p.frameworks,
    links: p.links,
    parameters: p.parameters,
    parameterDeclarations: p.parameterDeclarations,
    file: p.file,
    source: p.source,
    hash: p.hash,
    packs: p.packs,
    schemas: p.schemas,
    facts: p.facts,
    validators: p.validators,
    messages: p.messages,
  };
  return copy;
}
