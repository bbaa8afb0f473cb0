import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shippedPath } from "../../src/paths.js";
import { BUCKET_DOCUMENT_SCHEMA_VERSION } from "../../src/model/index.js";
import { BUCKET_DOCUMENT_SCHEMA_FILE, loadPolicies } from "../../src/policy/index.js";

type Schema = Record<string, unknown>;
const schema = JSON.parse(readFileSync(BUCKET_DOCUMENT_SCHEMA_FILE, "utf8")) as Schema;

/** Every field path of the bucket-document schema (`a.b`, `a[].b`) with its schema node. */
function fields(node: Schema, path: string, out: [string, Schema][] = []): [string, Schema][] {
  const resolved = (n: Schema): Schema => (typeof n["$ref"] === "string" ? resolved((schema["$defs"] as Record<string, Schema>)[n["$ref"].split("/").pop() as string] as Schema) : n);
  const options = [node, ...((node["oneOf"] as Schema[] | undefined) ?? [])].map(resolved);
  for (const option of options) {
    for (const [key, child] of Object.entries((option["properties"] ?? {}) as Record<string, Schema>)) {
      const childPath = path ? `${path}.${key}` : key;
      out.push([childPath, child]);
      fields(child, childPath, out);
    }
    if (option["items"] && option["type"] === "array") fields(option["items"] as Schema, `${path}[]`, out);
  }
  return out;
}

describe("policy/docs", () => {
  const all = fields(schema, "");

  it("gives every bucket-document field a description in the schema", () => {
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter(([, node]) => typeof node["description"] !== "string").map(([path]) => path)).toEqual([]);
  });

  it("documents every bucket-document field in docs/bucket-document.md", () => {
    const doc = readFileSync(shippedPath("docs", "bucket-document.md"), "utf8");
    expect(all.map(([path]) => path).filter((path) => !doc.includes(`| \`${path}\` |`))).toEqual([]);
  });

  it("accepts the model's schemaVersion, every earlier minor version of its major and the 1.x it still reads, and no later major", () => {
    const pattern = new RegExp((schema["properties"] as Record<string, Schema>)["schemaVersion"]?.["pattern"] as string);
    expect(pattern.test(BUCKET_DOCUMENT_SCHEMA_VERSION)).toBe(true);
    expect(pattern.test("2.0.0")).toBe(true);
    expect(pattern.test("1.0.0")).toBe(true);
    expect(pattern.test("3.0.0")).toBe(false);
  });

  it("documents every default policy, its severity and its packs in docs/policies.md", async () => {
    const doc = readFileSync(shippedPath("docs", "policies.md"), "utf8");
    for (const policy of (await loadPolicies()).policies) {
      expect(doc, policy.id).toContain(`| \`${policy.id}\` | ${policy.severity} | ${policy.packs.join(", ")} |`);
      expect(doc, policy.id).toContain(`### \`${policy.id}\``);
    }
  });
});
