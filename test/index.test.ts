import { describe, expect, it } from "vitest";
import * as library from "../src/index.js";
import * as errors from "../src/errors.js";

describe("index", () => {
  it("exports every public error class", () => {
    const exported = library as Record<string, unknown>;
    for (const errorClass of errors.errorClasses) {
      expect(exported[errorClass.name], errorClass.name).toBe(errorClass);
    }
    // Every class in errors.ts that extends ReplguardError is listed in errorClasses.
    const declared = Object.values(errors).filter(
      (value): value is typeof errors.ReplguardError =>
        typeof value === "function" && (value === errors.ReplguardError || value.prototype instanceof errors.ReplguardError),
    );
    expect(new Set(declared)).toEqual(new Set(errors.errorClasses));
  });

  it("exports the pipeline's entry points", () => {
    for (const name of ["audit", "scan", "loadPolicies", "evaluateBucket", "writeReports", "readSnapshot", "startSandbox", "loadConfig"]) {
      expect(typeof (library as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});
