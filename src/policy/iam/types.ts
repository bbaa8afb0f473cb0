/** The IAM evaluator's own shapes: policy documents as IAM stores them, and the questions it answers. */

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny" | string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** "Is principal P allowed action A on resource R under context C?" */
export interface AccessQuery {
  /** The calling principal: a role ARN, an assumed-role session ARN, an account root, or a service principal (s3.amazonaws.com). */
  principal: string;
  action: string;
  /** The resource ARN ("*" for actions on no resource). */
  resource: string;
  /** The account that owns the resource: a resource policy must grant a principal of another account. */
  resourceAccount: string;
  /** The principal's identity policies (inline and attached); none = the principal has no permissions of its own. */
  identityPolicies?: readonly PolicyDocument[];
  /** The resource's policy (bucket policy, key policy, trust policy), if any. */
  resourcePolicy?: PolicyDocument | null;
  /** Request context keys, e.g. aws:SourceAccount, aws:PrincipalOrgID, s3:x-amz-server-side-encryption-aws-kms-key-id. */
  context?: Record<string, string | string[]>;
}

/** The IAM policy evaluation logic's three outcomes. */
export type AccessDecision = "allowed" | "explicit-deny" | "implicit-deny";

/** A statement that grants more than a bound: where it is and what it grants beyond. */
export interface ExcessGrant {
  /** Policy name (inline) or ARN (managed). */
  policy: string;
  /** The statement's Sid, or its index `#n`. */
  statement: string;
  /** Action patterns as written that reach beyond the allowed actions (or `NotAction …`). */
  actions: string[];
  /** Resource patterns as written that reach beyond the allowed resources (or `NotResource …`). */
  resources: string[];
}
