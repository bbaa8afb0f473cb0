/**
 * Serialises a configuration written in the AWS SDK v3's shape (as a scenario holds it: the object
 * `Put…Command` takes) into S3's XML. S3's lists are flattened: each member of `Rules` is a `<Rule>`
 * element directly in its parent, as the S3 model's `@xmlFlattened` lists are written
 * (e.g. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html#API_GetBucketLifecycleConfiguration_ResponseSyntax).
 */
import { el, wrap } from "./xml.js";

/** SDK list member name → the element each item is written as. */
const ITEM_NAMES: Readonly<Record<string, string>> = {
  Rules: "Rule",
  Tags: "Tag",
  Transitions: "Transition",
  NoncurrentVersionTransitions: "NoncurrentVersionTransition",
};

/** The children of an SDK-shaped object as XML elements. */
export function sdkChildrenXml(value: object): string {
  return Object.entries(value).map(([name, member]) => memberXml(name, member)).join("");
}

function memberXml(name: string, member: unknown): string {
  if (member === undefined || member === null) return "";
  if (Array.isArray(member)) return member.map((item) => memberXml(ITEM_NAMES[name] ?? name, item)).join("");
  if (member instanceof Date) return el(name, member.toISOString());
  if (typeof member === "object") return wrap(name, sdkChildrenXml(member as Record<string, unknown>));
  return el(name, member as string | number | boolean);
}
