/**
 * KMS over JSON 1.1 (`X-Amz-Target: TrentService.<Operation>`), the reads replguard needs:
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 * Errors are `{"__type": Code, "message": ...}` with status 400 (NotFoundException, ...).
 * Keys are regional: a key is found only by requests signed for its Region. DescribeKey takes a key
 * id, key ARN, alias name or alias ARN; GetKeyPolicy a key id or key ARN, and only in the key's own
 * account ("Cross-account use: No").
 */
import { randomUUID } from "node:crypto";
import type { KmsKeyState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";

export const KMS_TARGET_PREFIX = "TrentService.";

export function kmsError(status: number, code: string, message: string, operation: string): SandboxResponse {
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() },
    body: JSON.stringify({ __type: code, message }),
    operation,
    mutating: false,
  };
}

const ok = (operation: string, body: unknown): SandboxResponse => ({
  status: 200,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() },
  body: JSON.stringify(body),
  operation,
  mutating: false,
});

export const kmsOperation = (headers: Record<string, string>): string => {
  const target = headers["x-amz-target"] ?? "";
  return target.startsWith(KMS_TARGET_PREFIX) ? target.slice(KMS_TARGET_PREFIX.length) : "Unknown";
};

const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):alias\/(.+)$/;

/** Where a KeyId points: account, Region and key id or alias (undefined = not a form KMS accepts here). */
export function keyLocation(keyId: string, caller: string, region: string): { account: string; region: string; id?: string; alias?: string } {
  const key = KEY_ARN.exec(keyId);
  if (key !== null) return { region: key[1] as string, account: key[2] as string, id: key[3] as string };
  const alias = ALIAS_ARN.exec(keyId);
  if (alias !== null) return { region: alias[1] as string, account: alias[2] as string, alias: alias[3] as string };
  if (keyId.startsWith("alias/")) return { account: caller, region, alias: keyId.slice("alias/".length) };
  return { account: caller, region, id: keyId };
}

/** The key a KeyId names, as seen from a request signed for `region`; null = NotFoundException. */
export function findKey(world: World, keyId: string, caller: string, region: string): KmsKeyState | null {
  const where = keyLocation(keyId, caller, region);
  if (where.region !== region) return null;
  const account = world.accounts.get(where.account);
  if (account === undefined) return null;
  if (where.id !== undefined) {
    const key = account.kmsKeys.get(where.id);
    return key !== undefined && key.region === region ? key : null;
  }
  return [...account.kmsKeys.values()].find((key) => key.alias === where.alias && key.region === region) ?? null;
}

function parseBody(request: SandboxRequest): Record<string, unknown> | null {
  try {
    const value = JSON.parse(request.body.toString("utf8") || "{}") as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const notFound = (keyId: string, op: string): SandboxResponse => kmsError(400, "NotFoundException", `Key '${keyId}' does not exist`, op);

function describeKey(key: KmsKeyState): unknown {
  return {
    KeyMetadata: {
      AWSAccountId: key.accountId,
      KeyId: key.id,
      Arn: key.arn,
      CreationDate: key.createdAt.getTime() / 1000,
      Enabled: true,
      Description: "",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyState: "Enabled",
      Origin: "AWS_KMS",
      KeyManager: "CUSTOMER",
      CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
      KeySpec: "SYMMETRIC_DEFAULT",
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
      MultiRegion: false,
    },
  };
}

export function handleKms(request: SandboxRequest, world: World): SandboxResponse {
  const op = kmsOperation(request.headers);
  const body = parseBody(request);
  if (body === null) return kmsError(400, "SerializationException", "Start of structure or map found where not expected", op);
  if (op !== "GetKeyPolicy" && op !== "DescribeKey") return kmsError(400, "UnknownOperationException", "", op);
  const keyId = body["KeyId"];
  if (typeof keyId !== "string" || keyId === "") {
    return kmsError(400, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null", op);
  }
  const caller = request.caller.accountId;
  if (op === "GetKeyPolicy" && (keyId.startsWith("alias/") || ALIAS_ARN.test(keyId))) return notFound(keyId, op);
  const key = findKey(world, keyId, caller, request.region);
  if (key === null) return notFound(keyId, op);
  if (op === "DescribeKey") return ok(op, describeKey(key));
  if (key.accountId !== caller) {
    return kmsError(400, "AccessDeniedException", `User: ${request.caller.principalArn} is not authorized to perform: kms:GetKeyPolicy on resource: ${key.arn} because no resource-based policy allows the kms:GetKeyPolicy action`, op);
  }
  const policyName = body["PolicyName"] ?? "default";
  if (policyName !== "default") return notFound(String(policyName), op);
  return ok(op, { Policy: key.policy, PolicyName: "default" });
}
