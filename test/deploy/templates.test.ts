/**
 * The shipped role templates: the StackSet CloudFormation validated by cfn-lint (in process, against
 * its resource specification), each role's inline policy equal to the JSON `replguard permissions`
 * prints (deploy/*-role-policy.json, itself pinned by permissions.test.ts), and the Terraform
 * modules reading that same JSON file.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "../..");
const DEPLOY = join(ROOT, "deploy");
const require = createRequire(import.meta.url);
const cfnLint = require("cfn-lint") as {
  validateFile(file: string, options?: { parameters?: Record<string, unknown> }): { templateValid: boolean; errors: { crit: unknown[]; warn: unknown[] } };
};

const ROLES = [
  { kind: "audit", resource: "AuditRole", template: "audit-role-stackset.yaml" },
  { kind: "remediation", resource: "RemediationRole", template: "remediation-role-stackset.yaml" },
] as const;

type Template = {
  Parameters: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties: { AssumeRolePolicyDocument: { Statement: unknown[] }; Policies: { PolicyDocument: unknown }[] } }>;
};

describe.each(ROLES)("deploy/$kind role", ({ kind, resource, template }) => {
  const file = join(DEPLOY, "cloudformation", template);
  const policy = JSON.parse(readFileSync(join(DEPLOY, `${kind}-role-policy.json`), "utf8")) as unknown;

  it("is a valid CloudFormation template (cfn-lint: no critical error, no warning)", () => {
    const result = cfnLint.validateFile(file, { parameters: { TrustedPrincipalArn: "arn:aws:iam::111111111111:role/replguard-scanner", ExternalId: "x" } });
    expect(result.errors.crit).toEqual([]);
    expect(result.errors.warn).toEqual([]);
    expect(result.templateValid).toBe(true);
  });

  it("embeds exactly the shipped policy JSON and takes the StackSet's parameters", () => {
    const parsed = parse(readFileSync(file, "utf8")) as Template;
    expect(Object.keys(parsed.Parameters).sort()).toEqual(["ExternalId", "RoleName", "TrustedPrincipalArn"]);
    const role = parsed.Resources[resource];
    expect(role?.Type).toBe("AWS::IAM::Role");
    expect(role?.Properties.Policies).toHaveLength(1);
    expect(role?.Properties.Policies[0]?.PolicyDocument, "run `node deploy/regenerate.js`").toEqual(policy);
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: "sts:AssumeRole", Principal: { AWS: { Ref: "TrustedPrincipalArn" } } }),
    ]);
  });

  it("has a Terraform module whose role policy is that same JSON file", () => {
    const module = join(DEPLOY, "terraform", `${kind}-role`);
    const main = readFileSync(join(module, "main.tf"), "utf8");
    expect(main).toContain(`policy = file("\${path.module}/../../${kind}-role-policy.json")`);
    expect(main).toMatch(/resource "aws_iam_role" "this"/);
    const variables = readFileSync(join(module, "variables.tf"), "utf8");
    for (const name of ["role_name", "trusted_principal_arn", "external_id"]) expect(variables).toContain(`variable "${name}"`);
    expect(readFileSync(join(module, "outputs.tf"), "utf8")).toContain('output "role_arn"');
  });
});
