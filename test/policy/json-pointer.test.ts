/** One JSON-pointer implementation (RFC 6901) for config errors, policy errors and evidence. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { ConfigError, PolicyError } from "../../src/errors.js";
import { appendPointer, escapePointer, pointerSegments, unescapePointer, valueAt } from "../../src/json-pointer.js";
import { evaluatePolicy, loadPolicies } from "../../src/policy/index.js";
import { fixtureDocument, minimalPolicy, policyDir } from "../support/policy.js";

describe("json-pointer", () => {
  it("escapes ~ before / and unescapes in the reverse order", () => {
    expect(escapePointer("a/b~c")).toBe("a~1b~0c");
    expect(escapePointer("~1")).toBe("~01");
    expect(unescapePointer("~01")).toBe("~1");
    expect(unescapePointer("a~1b~0c")).toBe("a/b~c");
    expect(appendPointer("/tags", "team/x", "~")).toBe("/tags/team~1x/~0");
    expect(pointerSegments("/tags/team~1x/~0")).toEqual(["tags", "team/x", "~"]);
  });

  it("reads values at escaped pointers, own properties only", () => {
    const doc = { tags: { "team/x": "a", "~": "b" }, list: [1, 2] };
    expect(valueAt(doc, "/tags/team~1x")).toBe("a");
    expect(valueAt(doc, "/tags/~0")).toBe("b");
    expect(valueAt(doc, "/list/1")).toBe(2);
    expect(valueAt(doc, "")).toBe(doc);
    expect(valueAt(doc, "/tags/constructor")).toBeUndefined();
    expect(valueAt(doc, "/list/1/x")).toBeUndefined();
  });

  it("escapes an unknown config field in the error pointer", async () => {
    const file = join(policyDir({}), "replguard.json");
    writeFileSync(file, JSON.stringify({ "a/b~c": 1 }));
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).location.pointer).toBe("/a~1b~0c");
  });

  it("escapes an unknown policy field in the error pointer", async () => {
    const dir = policyDir({ "odd-field.json": minimalPolicy("odd-field", { "x/y": 1 }) });
    const error = await loadPolicies({ dirs: [dir] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).location.pointer).toBe("/x~1y");
  });

  it("escapes a missing required tag in the evidence pointer and reads its value back", async () => {
    const check = { properties: { tags: { type: "object", required: ["team/owner"] } } };
    const set = await loadPolicies({ dirs: [policyDir({ "tagged.json": minimalPolicy("tagged", { check }) })] });
    const policy = set.policies.find((p) => p.id === "tagged");
    const base = fixtureDocument("destination-exists/pass-resolved");
    const doc = { ...base, tags: { "team~1owner": "x" }, collected: [...base.collected, "tags" as const] };
    const result = evaluatePolicy(policy!, doc, [], new Date());
    expect(result.status).toBe("fail");
    expect(result.evidence).toEqual([{ pointer: "/tags/team~1owner", actual: null, expected: "must be present" }]);
  });
});
