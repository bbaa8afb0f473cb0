/**
 * XML helpers for S3 answers. S3 answers UTF-8 XML in the 2006-03-01 namespace:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html
 */
import { XMLParser } from "fast-xml-parser";
import { escapeXml } from "../core/escape-xml.js";

export { escapeXml };

export const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** `<name>value</name>`, or nothing when the value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>` for already-serialized children (no escaping). */
export const wrap = (name: string, children: string): string => `<${name}>${children}</${name}>`;

/** A complete XML document whose root element carries S3's namespace. */
export const xmlDocument = (root: string, children: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${children}</${root}>`;

/** Elements that may repeat in the request bodies we parse (by path); always read as arrays. */
const REPEATED_PATHS = new Set(["ReplicationConfiguration.Rule"]);
const REPEATED_NAMES = new Set(["Tag"]);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  isArray: (name, path) => REPEATED_NAMES.has(name) || REPEATED_PATHS.has(String(path)),
});

/** Parsed XML: objects of element name → child (string for text-only elements). */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

/** Parses a request body; returns undefined when it is not well-formed XML. */
export function parseXml(body: Buffer | string): XmlNode | undefined {
  const text = body.toString();
  if (text.trim() === "") return {};
  try {
    return parser.parse(text, true) as XmlNode;
  } catch {
    return undefined;
  }
}

/** A child element as an object (an empty element `<X/>` reads as {}); undefined when absent or text. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  if (value === undefined) return undefined;
  if (value === "") return {};
  if (Array.isArray(value)) return undefined;
  return typeof value === "object" ? value : undefined;
}

/** The text of a child element; undefined when absent or not a text element. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[name];
  return typeof value === "string" ? value : undefined;
}

/** Whether a child element is present at all (text, empty or with children). */
export const has = (node: XmlNode | undefined, name: string): boolean => node !== undefined && node[name] !== undefined;

/** The repeated child elements named `name`, each as an object. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => (typeof item === "object" && !Array.isArray(item) ? item : {}));
}

export const MALFORMED_XML_MESSAGE = "The XML you provided was not well-formed or did not validate against our published schema";

/**
 * Parses a request body whose root element must be `root`; returns the root's content, or
 * undefined when the body is not well-formed or names another root (S3 answers MalformedXML).
 */
export function parseRoot(body: Buffer, root: string): XmlNode | undefined {
  const document = parseXml(body);
  if (document === undefined) return undefined;
  const keys = Object.keys(document);
  if (keys.length !== 1 || keys[0] !== root) return undefined;
  return child(document, root);
}
