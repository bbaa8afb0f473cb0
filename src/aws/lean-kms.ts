/**
 * KMS GetKeyPolicy on the lean read path (docs/scale.md, "The access facts' reads on the lean
 * path"): the access facts read the policy of every key a replication rule names, each through a
 * KMS client of its own account and Region (made, then its middleware stack and endpoint rules
 * resolved on its first call). Here the call is what that client sends: one POST of
 * `{"KeyId":…,"PolicyName":"default"}` (`X-Amz-Target: TrentService.GetKeyPolicy`, JSON 1.1),
 * signed by `@smithy/signature-v4` for `kms` in the key's Region, its JSON answer the output as the
 * SDK reads it (`Policy`, `PolicyName`); an error answer the error the SDK's JSON-RPC protocol
 * throws (name from `__type`, `message`, the body's fields, `$fault`, `$metadata`), retried and
 * counted as the SDK client's call would be (lean-s3.ts). The endpoint is the SDK's own rules',
 * resolved once per Region; an endpoint the rules give otherwise than plainly signed with SigV4
 * stays on the SDK client. test/aws/lean-kms.test.ts compares both paths answer for answer.
 */
import { GetKeyPolicyCommand, type GetKeyPolicyCommandOutput, type KMSClient } from "@aws-sdk/client-kms";
import { metadataOf, type LeanResponse, type LeanServiceError } from "./lean-errors.js";
import type { EndpointTemplate, LeanS3 } from "./lean-s3.js";
import { leanRoute } from "./lean-route.js";
import { sigv4Endpoint } from "./sdk-endpoint.js";

/** The only policy name KMS has (https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html). */
export const POLICY_NAME = "default";

/** One key's policy (a key ARN: GetKeyPolicy is not cross-account); rejects with the SDK's error. */
export interface KeyPolicies {
  get(keyId: string): Promise<GetKeyPolicyCommandOutput>;
}

export function sdkKeyPolicies(client: () => KMSClient): KeyPolicies {
  return { get: (KeyId) => client().send(new GetKeyPolicyCommand({ KeyId, PolicyName: POLICY_NAME })) };
}

/** `sanitizeErrorCode` of @smithy/core/protocols: the code before `,` and `:`, after `#`. */
const sanitize = (raw: string): string => {
  let code = raw.split(",")[0]!.split(":")[0]!;
  if (code.includes("#")) code = code.split("#")[1]!;
  return code;
};

/** The error the SDK's JSON-RPC protocol (awsJson1_1) throws for this non-2xx answer. */
export function jsonServiceError(response: LeanResponse): LeanServiceError {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(response.body) as unknown;
    if (typeof parsed === "object" && parsed !== null) data = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: named by the header, else Unknown, as the SDK names it.
  }
  // `loadJsonRpcErrorCode`: the body's `__type`, then its `code`, then the x-amzn-errortype header.
  const codeKey = Object.keys(data).find((key) => key.toLowerCase() === "code");
  const header = response.headers["x-amzn-errortype"];
  const raw = data.__type ?? (codeKey === undefined ? undefined : data[codeKey]) ?? header;
  const code = raw === undefined ? "Unknown" : sanitize(String(raw));
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error() as LeanServiceError;
  Error.stackTraceLimit = limit;
  error.name = code;
  error.$fault = response.statusCode < 500 ? "client" : "server";
  error.$metadata = metadataOf(response);
  Object.defineProperty(error, "$response", { value: { statusCode: response.statusCode, headers: response.headers }, enumerable: false });
  const message = data.message ?? data.Message;
  error.message = typeof message === "string" && message !== "" ? message : "UnknownError";
  // `decorateServiceException`: the body's other fields where the error has none (`__type` too).
  for (const [key, value] of Object.entries(data)) {
    if (key === "message" || key === "Message" || value === undefined) continue;
    if (error[key] === undefined || error[key] === "") error[key] = value;
  }
  return error;
}

/** GetKeyPolicy's JSON answer as the SDK's output (its two members, when present). */
function parseKeyPolicy(body: string): Record<string, unknown> {
  const data = JSON.parse(body) as Record<string, unknown>;
  const output: Record<string, unknown> = {};
  if (data.Policy != null) output.Policy = data.Policy;
  if (data.PolicyName != null) output.PolicyName = data.PolicyName;
  return output;
}

const HEADERS = { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.GetKeyPolicy" } as const;

/** Key policies through the lean path where the Region's template applies, else through the SDK client (made, `client`, only then). */
export function leanKeyPolicies(lean: LeanS3, template: () => Promise<EndpointTemplate | null>, client: () => KMSClient): KeyPolicies {
  const route = leanRoute(template, () => sdkKeyPolicies(client));
  return {
    get: (keyId) =>
      route((sdk) => sdk.get(keyId), async (target, slot) => {
        const body = JSON.stringify({ KeyId: keyId, PolicyName: POLICY_NAME });
        const output = await lean.retried({ template: target, name: "", query: {}, search: "", headers: HEADERS, body, error: jsonServiceError }, parseKeyPolicy, slot);
        return output as unknown as GetKeyPolicyCommandOutput;
      }),
  };
}

/**
 * The SDK's KMS endpoint for GetKeyPolicy with this client's config (Region, FIPS, dual-stack,
 * endpoint override), as a template; null when the lean path cannot serve it (an auth scheme other
 * than SigV4, headers the endpoint asks for, or a query in its URL).
 */
export async function resolveKmsTemplate(client: KMSClient, region: string): Promise<EndpointTemplate | null> {
  const found = await sigv4Endpoint({}, GetKeyPolicyCommand, client.config);
  if (found === null) return null;
  const { url, scheme } = found;
  if (url.search !== "") return null;
  return { url, in: "none", signingRegion: scheme?.signingRegion ?? region, signingName: scheme?.signingName ?? "kms" };
}
