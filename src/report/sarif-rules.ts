/**
 * SARIF `reportingDescriptor`s: one rule per policy, with the help text and the properties GitHub
 * code scanning reads (`security-severity`, `tags`, `precision`).
 */
import type { Severity } from "../model/index.js";
import type { ReportPolicy } from "./policy-catalog.js";

export type SarifLevel = "error" | "warning" | "note";

/**
 * GitHub buckets `security-severity` as critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9;
 * each value sits inside its band so GitHub shows the same word the policy uses (`info` shows as low).
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "1.0",
};

export const SARIF_LEVEL: Readonly<Record<Severity, SarifLevel>> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

const BASE_TAGS = ["security", "aws", "s3", "replication"];

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, unknown>;
}

/** `destination-object-lock` → `DestinationObjectLock` (SARIF wants a friendly, identifier-like name). */
export const ruleName = (id: string): string =>
  id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");

const sentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function sarifRule(policy: ReportPolicy): SarifRule {
  const info = policy.info;
  const frameworkTags = Object.entries(info?.frameworks ?? {}).flatMap(([framework, controls]) =>
    controls.map((control) => `${framework} ${control}`),
  );
  const rule: SarifRule = {
    id: policy.id,
    name: ruleName(policy.id),
    shortDescription: { text: sentence(policy.title) },
    fullDescription: { text: sentence(info?.description ?? policy.title) },
    help: { text: helpText(policy), markdown: helpMarkdown(policy) },
    defaultConfiguration: { level: SARIF_LEVEL[policy.severity] },
    properties: {
      tags: [...BASE_TAGS, ...frameworkTags],
      precision: "very-high",
      "security-severity": SECURITY_SEVERITY[policy.severity],
      "replguard/severity": policy.severity,
      ...(policy.hash ? { "replguard/hash": policy.hash } : {}),
      ...(policy.source ? { "replguard/source": policy.source } : {}),
    },
  };
  const helpUri = info?.links?.find((link) => /^https?:\/\//.test(link));
  if (helpUri) rule.helpUri = helpUri;
  return rule;
}

const unknownPolicyText = (policy: ReportPolicy): string =>
  `Policy ${policy.id} is not in the current policy set, so its help text is not available` +
  (policy.hash ? ` (the snapshot ran the version with sha256 ${policy.hash}).` : ".");

/** `manual` is the policy files' name for "no automated fix". */
const fixSentence = (fix: string, code = ""): string =>
  fix === "manual" ? "No automated fix: change the configuration by hand." : `replguard audit --fix applies the fix ${code}${fix}${code}.`;

function helpText(policy: ReportPolicy): string {
  const info = policy.info;
  if (!info) return unknownPolicyText(policy);
  const parts = [
    info.description,
    `Why: ${info.rationale}`,
    `Fix: ${info.remediation.guidance}`,
    fixSentence(info.remediation.fix),
  ];
  if (info.remediation.cli) parts.push(`AWS CLI:\n${info.remediation.cli}`);
  if (info.remediation.terraform) parts.push(`Terraform:\n${info.remediation.terraform}`);
  return parts.join("\n\n");
}

function helpMarkdown(policy: ReportPolicy): string {
  const info = policy.info;
  if (!info) return unknownPolicyText(policy);
  const parts = [
    info.description,
    `**Why it matters.** ${info.rationale}`,
    `**How to fix.** ${info.remediation.guidance}`,
    fixSentence(info.remediation.fix, "`"),
  ];
  if (info.remediation.cli) parts.push(`AWS CLI:\n\n\`\`\`sh\n${info.remediation.cli}\n\`\`\``);
  if (info.remediation.terraform) parts.push(`Terraform:\n\n\`\`\`hcl\n${info.remediation.terraform}\n\`\`\``);
  const frameworks = Object.entries(info.frameworks ?? {});
  if (frameworks.length > 0) {
    parts.push(`**Frameworks.** ${frameworks.map(([name, controls]) => `${name}: ${controls.join(", ")}`).join("; ")}`);
  }
  if (info.links?.length) parts.push(info.links.map((link) => `- <${link}>`).join("\n"));
  return parts.join("\n\n");
}
