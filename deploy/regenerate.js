// Regenerates the shipped role policies from `replguard permissions` after a fact, a fact's
// actions or the default policy set changed: deploy/*-role-policy.json and the inline policy of
// each StackSet template (the Terraform modules read the JSON files). test/deploy/ fails until
// this has been run. Usage: node deploy/regenerate.js
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

const root = join(import.meta.dirname, "..");
const roles = [
  { kind: "audit", args: [] },
  { kind: "remediation", args: ["--fix"] },
];

for (const { kind, args } of roles) {
  const json = execFileSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "permissions", ...args], { cwd: root, encoding: "utf8" });
  writeFileSync(join(root, "deploy", `${kind}-role-policy.json`), json);
  // The template's PolicyDocument block, 12 spaces deep, Version quoted (YAML 1.1 parsers read 2012-10-17 as a date).
  const block = stringify(JSON.parse(json), { indent: 2 })
    .replace("Version: 2012-10-17", 'Version: "2012-10-17"')
    .split("\n")
    .map((line) => (line === "" ? line : `            ${line}`))
    .join("\n");
  const file = join(root, "deploy", "cloudformation", `${kind}-role-stackset.yaml`);
  const template = readFileSync(file, "utf8");
  const start = template.indexOf("          PolicyDocument:\n") + "          PolicyDocument:\n".length;
  const end = template.indexOf("\nOutputs:");
  writeFileSync(file, `${template.slice(0, start)}${block}${template.slice(end)}`);
  console.log(`deploy/${kind}-role-policy.json and deploy/cloudformation/${kind}-role-stackset.yaml regenerated`);
}
