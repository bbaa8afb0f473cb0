/** Types of the policy stage: what a policy file holds and what the loader makes of it. */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { DestinationFact, FactName, Severity } from "../model/index.js";
import type { SchemaPart } from "./applicability.js";

export interface LoadOptions {
  /** Extra policy directories (`--policies DIR`): add policies or replace built-ins with the same id. */
  dirs?: string[];
  /** Pack names (policies/packs/<name>.json) to restrict to; default: every loaded policy. */
  packs?: string[];
  /** Parameter values from the config file: { "<policyId>": { "<param>": value } }. */
  parameters?: Record<string, Record<string, unknown>>;
  /** The file `parameters` came from (the config file), named in parameter errors. */
  parametersFile?: string;
}

export interface Remediation {
  guidance: string;
  /** Name of the fix `audit --fix` applies (`manual` when none can be automated). */
  fix: string;
  cli?: string;
  terraform?: string;
}

export interface ParameterDeclaration {
  description: string;
  schema: unknown;
  default: unknown;
}

export interface PolicyMessages {
  pass: string;
  fail: string;
  not_applicable: string;
}

/** A policy file as written (validated against schemas/policy.schema.json). */
export interface PolicyFile {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  /** Optional: DEFAULT_RATIONALE when absent. */
  rationale?: string;
  /** Optional: `{ guidance: DEFAULT_GUIDANCE, fix: "manual" }` when absent; `fix` defaults to `manual`. */
  remediation?: Omit<Remediation, "fix"> & { fix?: string };
  frameworks?: Record<string, string[]>;
  links?: string[];
  parameters?: Record<string, ParameterDeclaration>;
  appliesTo: unknown;
  check: unknown;
  /** Each optional: DEFAULT_MESSAGES (messages.ts) fills in. */
  messages?: Partial<PolicyMessages>;
}

/** A pack file as written (`$defs/pack` of the meta-schema). */
export interface PackFile {
  name: string;
  description: string;
  policies: string[];
  severity?: Record<string, Severity>;
}

/** Which bucket-document facts a policy reads, derived from its schemas (see facts.ts). */
export interface PolicyFacts {
  /** Top-level facts read by appliesTo. */
  appliesTo: FactName[];
  /** Top-level facts read by check. */
  check: FactName[];
  /** Destination facts read (`replication.rules[*].destination.<field>`, by the FACTS table). */
  destinations: DestinationFact[];
}

/** A compiled schema. Plain boolean (not ajv's type guard) so a failed check does not narrow the document to `never`. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export type MessageTemplate = (context: object) => string;

/** What reports show of a policy: its text, without the compiled schemas (see `loadPolicyTexts`). */
export type PolicyText = Pick<LoadedPolicy, "id" | "title" | "severity" | "description" | "rationale" | "remediation" | "frameworks" | "links">;

export interface LoadedPolicy {
  id: string;
  title: string;
  /** Effective severity: the file's, or the most severe override of the selected packs. */
  severity: Severity;
  description: string;
  rationale: string;
  remediation: Remediation;
  frameworks: Record<string, string[]>;
  links: string[];
  /** Effective parameter values (config value, else default). */
  parameters: Record<string, unknown>;
  /** Declared parameters, for `policies explain`. */
  parameterDeclarations: Record<string, ParameterDeclaration>;
  /** Absolute path of the file it was loaded from. */
  file: string;
  /** `builtin`, or the `--policies` directory it came from. */
  source: "builtin" | string;
  /** sha256 of the file's canonical JSON. */
  hash: string;
  /** Built-in packs that list this policy. */
  packs: string[];
  /** appliesTo and check after parameter substitution: what was compiled. */
  schemas: { appliesTo: unknown; check: unknown };
  facts: PolicyFacts;
  validators: {
    appliesTo: SchemaValidator;
    check: SchemaValidator;
    /** appliesTo split for evaluating scope when a fact is unknown (see applicability.ts). */
    appliesToParts: SchemaPart[];
  };
  messages: Record<keyof PolicyMessages, MessageTemplate>;
}

export interface PolicySet {
  policies: LoadedPolicy[];
  /** Every pack that was found (built-in and from `dirs`), by name. */
  packs: Record<string, PackFile & { file: string }>;
  /** Packs the set was restricted to ([] when none: every loaded policy). */
  selectedPacks: string[];
}
