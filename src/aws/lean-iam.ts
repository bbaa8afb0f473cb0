/**
 * The replication role reads on the lean read path (docs/scale.md, "The account's own calls on the
 * lean path"): GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies, GetPolicy and
 * GetPolicyVersion (scan/iam-role.ts) went through an IAM client made per account, its middleware
 * stack, endpoint rules and schema serde (2–3 ms of CPU a call). Here each is what that client sends
 * with IAM's Query protocol: one POST of `Action=…&Version=2010-05-08&…` (form-encoded as the SDK's
 * serializer encodes it), signed by `@smithy/signature-v4` for `iam` (us-east-1, IAM being global),
 * sent where the SDK's IAM endpoint rules send it (resolved once per scan), its XML answer's
 * `<…Result>` parsed by the SDK's XML parser into the SDK's output shape; an error answer
 * (`<ErrorResponse><Error><Code>…`) the error the SDK throws as far as anything reads it (errors.ts:
 * name, code, message, `$fault`, `$metadata`), retried and counted as the SDK client's call (lean-s3.ts).
 * test/aws/lean-iam.test.ts compares both paths answer for answer.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type GetPolicyCommandOutput,
  type GetPolicyVersionCommandOutput,
  type GetRoleCommandOutput,
  type GetRolePolicyCommandOutput,
  type IAMClient,
  type ListAttachedRolePoliciesCommandOutput,
  type ListRolePoliciesCommandOutput,
} from "@aws-sdk/client-iam";
import * as iamModel from "@aws-sdk/client-iam";
import { extendedEncodeURIComponent } from "@smithy/core/protocols";
import { serviceError, type LeanResponse, type LeanServiceError } from "./lean-errors.js";
import type { EndpointTemplate, LeanS3 } from "./lean-s3.js";
import { parseXmlBody, read, struct, type Shape } from "./lean-shapes.js";
import { leanRoute } from "./lean-route.js";
import { sigv4Endpoint } from "./sdk-endpoint.js";

/** Each read's input and the SDK's output. */
export interface IamReadTypes {
  GetRole: { input: { RoleName: string }; output: GetRoleCommandOutput };
  ListRolePolicies: { input: { RoleName: string; Marker?: string | undefined; MaxItems?: number }; output: ListRolePoliciesCommandOutput };
  GetRolePolicy: { input: { RoleName: string; PolicyName: string }; output: GetRolePolicyCommandOutput };
  ListAttachedRolePolicies: { input: { RoleName: string; Marker?: string | undefined; MaxItems?: number }; output: ListAttachedRolePoliciesCommandOutput };
  GetPolicy: { input: { PolicyArn: string }; output: GetPolicyCommandOutput };
  GetPolicyVersion: { input: { PolicyArn: string; VersionId: string }; output: GetPolicyVersionCommandOutput };
}
export type IamOperation = keyof IamReadTypes;

/** The role reads of one account; each rejects with the SDK's error. */
export interface IamReads {
  read<K extends IamOperation>(operation: K, input: IamReadTypes[K]["input"]): Promise<IamReadTypes[K]["output"]>;
}

const COMMANDS = {
  GetRole: GetRoleCommand,
  ListRolePolicies: ListRolePoliciesCommand,
  GetRolePolicy: GetRolePolicyCommand,
  ListAttachedRolePolicies: ListAttachedRolePoliciesCommand,
  GetPolicy: GetPolicyCommand,
  GetPolicyVersion: GetPolicyVersionCommand,
} as const;

export function sdkIamReads(client: () => IAMClient): IamReads {
  return {
    read: <K extends IamOperation>(operation: K, input: IamReadTypes[K]["input"]) => {
      const Command = COMMANDS[operation] as unknown as new (input: IamReadTypes[K]["input"]) => Parameters<IAMClient["send"]>[0];
      return client().send(new Command(input)) as unknown as Promise<IamReadTypes[K]["output"]>;
    },
  };
}

/** IAM's lists are `<member>` elements inside the member's own (https://docs.aws.amazon.com/IAM/latest/APIReference/). */
const members = (shape: Shape): Shape => ({ list: shape, flat: false, item: "member" });
const TAGS = members(struct({ Key: "string", Value: "string" }));
const ROLE = struct({
  Path: "string",
  RoleName: "string",
  RoleId: "string",
  Arn: "string",
  CreateDate: "timestamp",
  AssumeRolePolicyDocument: "string",
  Description: "string",
  MaxSessionDuration: "int",
  PermissionsBoundary: struct({ PermissionsBoundaryType: "string", PermissionsBoundaryArn: "string" }),
  Tags: TAGS,
  RoleLastUsed: struct({ LastUsedDate: "timestamp", Region: "string" }),
});
const POLICY = struct({
  PolicyName: "string",
  PolicyId: "string",
  Arn: "string",
  Path: "string",
  DefaultVersionId: "string",
  AttachmentCount: "int",
  PermissionsBoundaryUsageCount: "int",
  IsAttachable: "bool",
  Description: "string",
  CreateDate: "timestamp",
  UpdateDate: "timestamp",
  Tags: TAGS,
});

/** Each output's shape: the content of the answer's `<ActionResult>`. */
const OUTPUTS: Record<IamOperation, Shape> = {
  GetRole: struct({ Role: ROLE }),
  ListRolePolicies: struct({ PolicyNames: members("string"), IsTruncated: "bool", Marker: "string" }),
  GetRolePolicy: struct({ RoleName: "string", PolicyName: "string", PolicyDocument: "string" }),
  ListAttachedRolePolicies: struct({ AttachedPolicies: members(struct({ PolicyName: "string", PolicyArn: "string" })), IsTruncated: "bool", Marker: "string" }),
  GetPolicy: struct({ Policy: POLICY }),
  GetPolicyVersion: struct({ PolicyVersion: struct({ Document: "string", VersionId: "string", IsDefaultVersion: "bool", CreateDate: "timestamp" }) }),
};

export const parseIamOutput = (operation: IamOperation, xml: string): Record<string, unknown> => read(OUTPUTS[operation], parseXmlBody(xml)[`${operation}Result`]) as Record<string, unknown>;

/** As the SDK's Query serializer: the action and version, then the members given, in order. */
export function iamQueryBody(operation: IamOperation, input: Record<string, string | number | undefined>): string {
  let body = `Action=${operation}&Version=2010-05-08`;
  for (const name in input) {
    const value = input[name];
    if (value !== undefined) body += `&${extendedEncodeURIComponent(name)}=${extendedEncodeURIComponent(String(value))}`;
  }
  return body;
}

const HEADERS = { "content-type": "application/x-www-form-urlencoded" } as const;

/** The IAM model's errors by their Query code (`NoSuchEntity` → `NoSuchEntityException`), read from the SDK's own error schemas. */
const MODELED = new Map<string, string>();
for (const [key, schema] of Object.entries(iamModel)) {
  if (!key.endsWith("Exception$") || !Array.isArray(schema) || schema[0] !== -3) continue;
  const code = (schema[3] as { awsQueryError?: [string, number] } | undefined)?.awsQueryError?.[0];
  if (typeof code === "string" && typeof schema[2] === "string") MODELED.set(code, schema[2]);
}

/**
 * The error the SDK's Query protocol throws for this answer (`AwsQueryProtocol.handleError`): S3's
 * (the same `<Error>` element, lean-errors.ts) with `Error` rebuilt as `{ Type, Code, Message }`;
 * named by the model's exception where the code is one of its errors (then with the body's other
 * fields, `RequestId`, `xmlns`), else by the code with only `Type`, `Code` and `Error`.
 */
export function iamServiceError(response: LeanResponse): LeanServiceError {
  const error = serviceError(response);
  error.Error = { Type: error.Type, Code: error.Code, Message: error.message };
  const modeled = typeof error.Code === "string" ? MODELED.get(error.Code) : undefined;
  if (modeled !== undefined) error.name = modeled;
  else for (const key of Object.keys(error)) if (!UNMODELED_FIELDS.has(key)) delete error[key];
  return error;
}

const UNMODELED_FIELDS = new Set(["message", "name", "$fault", "$metadata", "Type", "Code", "Error"]);

/** Role reads through the lean path where the template applies, else through the SDK client (made, `client`, only then). */
export function leanIamReads(lean: LeanS3, template: () => Promise<EndpointTemplate | null>, client: () => IAMClient): IamReads {
  const route = leanRoute(template, () => sdkIamReads(client));
  return {
    read: <K extends IamOperation>(operation: K, input: IamReadTypes[K]["input"]) =>
      route((sdk) => sdk.read(operation, input), async (target, slot) => {
        const body = iamQueryBody(operation, input as Record<string, string | number | undefined>);
        const output = await lean.retried({ template: target, name: "", query: {}, search: "", headers: HEADERS, body, error: iamServiceError }, (xml) => parseIamOutput(operation, xml), slot);
        return output as unknown as IamReadTypes[K]["output"];
      }),
  };
}

/**
 * The SDK's IAM endpoint with this client's config (its Region is us-east-1: clients.ts), as a
 * template; null when the lean path cannot serve it (an auth scheme other than SigV4, headers the
 * endpoint asks for, a query in its URL).
 */
export async function resolveIamTemplate(client: IAMClient): Promise<EndpointTemplate | null> {
  const found = await sigv4Endpoint({}, GetRoleCommand, client.config);
  if (found === null || found.url.search !== "") return null;
  const region = await client.config.region();
  return { url: found.url, in: "none", signingRegion: found.scheme?.signingRegion ?? region, signingName: found.scheme?.signingName ?? "iam" };
}
