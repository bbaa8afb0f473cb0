/**
 * The sandbox's HTTP server: one loopback port for every service. The service comes from the
 * SigV4 credential scope; S3 requests may name the bucket in the path or in the Host header
 * (virtual-hosted style, `bucket.localhost:port`). Every request, refused or answered, lands in
 * the call log with the server time spent (injected latency excluded).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { handleIam, iamOperation, iamParams } from "../iam/index.js";
import { iamError } from "../iam/xml.js";
import { handleKms, kmsError, kmsOperation } from "../kms/index.js";
import { orgsError, organizationsOperation, handleOrganizations } from "../organizations/index.js";
import { s3Error } from "../s3/errors.js";
import { handleS3 } from "../s3/index.js";
import { createS3ControlHandler, S3CONTROL_PREFIX, s3controlOperation } from "../s3control/index.js";
import { createStsHandler, stsError, stsOperation, stsParams } from "../sts/index.js";
import type { CallRecord } from "../types.js";
import { ANONYMOUS } from "./anonymous.js";
import { authenticate, authErrorResponse } from "./auth.js";
import { authorizeCall } from "./authorize.js";
import { authorizationOf } from "./authorize-actions.js";
import { accessDenied } from "./authorize-denied.js";
import { type CallLog, isMutatingMethod, microsSince, s3OperationName } from "./calls.js";
import type { SandboxRequest, SandboxResponse, ServiceHandler, World } from "./contracts.js";
import type { FaultInjector } from "./faults.js";
import { parseAuth } from "./sigv4.js";

export interface ServerContext {
  world: World;
  log: CallLog;
  faults: FaultInjector;
  /** The sandbox's notion of now, for token expiry (tests move it forward). */
  clock: () => Date;
}

type Service = CallRecord["service"];

/**
 * The Region an unsigned request is taken to address: the sandbox's one endpoint plays the global
 * endpoint s3.amazonaws.com, which is us-east-1 (the Region `exports()` names).
 */
const UNSIGNED_REGION = "us-east-1";

/** Hosts the sandbox answers on; anything in front of them is a virtual-hosted bucket name. */
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1"];

export function bucketFromHost(host: string | undefined): string | null {
  if (host === undefined) return null;
  const name = host.replace(/:\d+$/, "").toLowerCase();
  for (const loopback of LOOPBACK_HOSTS) {
    if (name.endsWith(`.${loopback}`)) return name.slice(0, -(loopback.length + 1));
  }
  return null;
}

const decodePath = (rawPath: string): string => {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
};

/** The service a request is for when its signature cannot be read (to answer in the right shape). */
function guessService(headers: Record<string, string>, body: Buffer): Service {
  if ((headers["x-amz-target"] ?? "").startsWith("AWSOrganizations")) return "organizations";
  if ((headers["x-amz-target"] ?? "").startsWith("TrentService.")) return "kms";
  if ((headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded") && /(^|&)Action=/.test(body.toString("utf8"))) return "sts";
  return "s3";
}

const KNOWN_SERVICES: readonly string[] = ["s3", "sts", "organizations", "iam", "kms"];
const asService = (name: string): Service => (KNOWN_SERVICES.includes(name) ? (name as Service) : "unknown");

function throttled(service: Service, operation: string, bucket: string | null): SandboxResponse {
  if (service === "sts") return stsError(400, "Throttling", "Rate exceeded", operation);
  if (service === "iam") return iamError(400, "Throttling", "Rate exceeded", operation);
  if (service === "kms") return kmsError(400, "ThrottlingException", "Rate exceeded", operation);
  if (service === "organizations") {
    return orgsError(400, "TooManyRequestsException", "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.", operation);
  }
  return s3Error(503, "SlowDown", "Please reduce your request rate.", operation, { bucket });
}

function internalError(service: Service, operation: string, error: unknown): SandboxResponse {
  const message = `We encountered an internal error. Please try again. (${error instanceof Error ? error.message : String(error)})`;
  if (service === "sts") return stsError(500, "InternalFailure", message, operation);
  if (service === "iam") return iamError(500, "ServiceFailure", message, operation);
  if (service === "kms") return kmsError(500, "KMSInternalException", message, operation);
  if (service === "organizations") return orgsError(500, "ServiceException", message, operation);
  return s3Error(500, "InternalError", message, operation);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

interface Routed {
  service: Service;
  operation: string;
  bucket: string | null;
  response: SandboxResponse;
  account: string | null;
  region: string | null;
  mutatingDefault: boolean;
}

async function route(context: ServerContext, request: IncomingMessage, body: Buffer, handlers: Record<string, ServiceHandler>, throttle: boolean): Promise<Routed> {
  const url = request.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  const query = new URLSearchParams(rawQuery);
  const headers = headersOf(request);
  const method = request.method ?? "GET";

  const parsed = parseAuth(headers, query);
  const service = parsed.kind === "signed" ? asService(parsed.scope.service) : guessService(headers, body);
  const region = parsed.kind === "signed" ? parsed.scope.region : null;

  // S3 Control is signed as "s3" too; its REST paths start /v20180820/ and its Host names an account, not a bucket.
  const control = service === "s3" && rawPath.startsWith(S3CONTROL_PREFIX);
  const hostBucket = service === "s3" && !control ? bucketFromHost(headers["host"]) : null;
  const path = decodePath(rawPath);
  const segments = path.split("/");
  const bucket = control ? null : hostBucket ?? (service === "s3" && segments[1] ? (segments[1] as string) : null);
  const key = hostBucket !== null ? path.slice(1) : segments.slice(2).join("/");
  const operation = control
    ? s3controlOperation(method, path)
    : service === "sts"
      ? stsOperation(stsParams({ body, query }))
      : service === "iam"
        ? iamOperation(iamParams({ body, query }))
        : service === "organizations"
          ? organizationsOperation(headers)
          : service === "kms"
            ? kmsOperation(headers)
            : s3OperationName(method, bucket, key, query);
  const base = { service, operation, bucket, region, mutatingDefault: service === "s3" && isMutatingMethod(method) };

  const auth = authenticate({ method, rawPath, rawQuery, headers }, query, body, context.world, context.clock(), Date.now());
  // S3 serves unsigned requests as the anonymous principal: the bucket checks still run (404 for a
  // missing bucket, 301 for another Region, 403 unless a policy grants "*"), and HeadBucket's answer
  // carries x-amz-bucket-region whatever the permissions
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html). Other services refuse them.
  const anonymous = !auth.ok && auth.kind === "missing" && service === "s3";
  if (!auth.ok && !anonymous) return { ...base, account: null, response: authErrorResponse(service, auth, operation, bucket) };
  const caller = auth.ok ? auth.caller : ANONYMOUS;
  const account = auth.ok ? caller.accountId : null;
  const handler = handlers[control ? "s3control" : service];
  if (handler === undefined) {
    return { ...base, account, response: s3Error(400, "InvalidRequest", `The sandbox does not simulate the ${auth.ok ? auth.scope.service : service} service.`, "Unknown") };
  }
  if (throttle) {
    return { ...base, account, response: throttled(service, operation, bucket) };
  }
  const serviceRequest: SandboxRequest = {
    method,
    path,
    query,
    headers,
    body: auth.ok ? auth.body : body,
    trailers: auth.ok ? auth.trailers : {},
    region: auth.ok ? auth.scope.region : UNSIGNED_REGION,
    service: auth.ok ? auth.scope.service : service,
    caller,
    hostBucket,
  };
  if (auth.ok) {
    const denied = await enforce(context.world, serviceRequest, { service, operation, bucket, key });
    if (denied !== null) return { ...base, account, response: denied };
  }
  try {
    return { ...base, account, response: await handler(serviceRequest, context.world) };
  } catch (error) {
    return { ...base, account, response: internalError(service, operation, error) };
  }
}

/** The caller's role permissions and the resource's policy, where the scenario gives them (core/authorize.ts). */
async function enforce(world: World, request: SandboxRequest, call: { service: Service; operation: string; bucket: string | null; key: string }): Promise<SandboxResponse | null> {
  if (call.service === "s3" && call.bucket !== null) {
    // S3 answers 404 (no such bucket) and 301 (another Region, with x-amz-bucket-region "regardless
    // of the permissions") before it looks at permissions: s3/index.ts gives those answers.
    const target = world.buckets.get(call.bucket);
    if (target === undefined || (call.operation !== "GetBucketLocation" && target.region !== request.region)) return null;
  }
  const params = call.service === "iam" || call.service === "sts" ? iamParams(request) : new URLSearchParams();
  const keyId = call.service === "kms" ? kmsKeyIdOf(request.body) : null;
  const auth = authorizationOf(world, request.caller, { ...call, params, keyId, region: request.region });
  if (auth === null) return null;
  const resourcePolicy =
    call.service === "s3" && call.bucket !== null
      ? world.buckets.get(call.bucket)?.policy
      : call.service === "kms"
        ? world.accounts.get(auth.resourceAccount)?.kmsKeys.get(auth.resource.slice(auth.resource.indexOf("key/") + 4))?.policy
        : undefined;
  if ((await authorizeCall(world, request.caller, auth, resourcePolicy)) === "allow") return null;
  return accessDenied(call.service, call.operation, request.caller, auth, call.bucket, request.method, world);
}

function kmsKeyIdOf(body: Buffer): string | null {
  try {
    const keyId = (JSON.parse(body.toString("utf8")) as { KeyId?: unknown }).KeyId;
    return typeof keyId === "string" ? keyId : null;
  } catch {
    return null;
  }
}

function send(response: ServerResponse, answer: SandboxResponse): void {
  const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  // A HEAD answer has no body but may state the length a GET would send (HeadObject).
  const length = body.length === 0 && answer.headers?.["content-length"] !== undefined ? answer.headers["content-length"] : String(body.length);
  response.writeHead(answer.status, { ...answer.headers, "content-length": length });
  response.end(body);
}

function controlRoute(context: ServerContext, request: IncomingMessage, response: ServerResponse): boolean {
  const path = (request.url ?? "/").split("?")[0];
  if (path !== "/_sandbox/calls") return false;
  if (request.method !== "GET") {
    send(response, { status: 405, headers: { "content-type": "application/json" }, body: '{"error":"GET only"}', operation: "" });
  } else {
    send(response, { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(context.log.records), operation: "" });
  }
  return true;
}

export function createSandboxServer(context: ServerContext): Server {
  const handlers: Record<string, ServiceHandler> = {
    s3: handleS3,
    sts: createStsHandler(context.clock),
    organizations: handleOrganizations,
    s3control: createS3ControlHandler(context.clock),
    iam: handleIam,
    kms: handleKms,
  };
  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  return createServer((request, response) => {
    void (async () => {
      if (controlRoute(context, request, response)) return;
      const body = await readBody(request);
      // One draw per call decides both its throttling and its latency (deterministic under a seed).
      const fault = context.faults.next();
      const started = process.hrtime.bigint();
      const routed = await route(context, request, body, handlers, fault.throttled);
      const serverMicros = microsSince(started);
      context.log.record({
        service: routed.service,
        operation: routed.response.operation && routed.response.operation !== "Unknown" ? routed.response.operation : routed.operation,
        account: routed.account,
        bucket: routed.response.bucket ?? routed.bucket,
        region: routed.region,
        status: routed.response.status,
        // A write is a mutating call whether or not it succeeded ("an audit issues no mutating call").
        mutating: routed.service === "s3" ? routed.mutatingDefault : (routed.response.mutating ?? false),
        serverMicros,
        injectedLatencyMs: fault.latencyMs,
      });
      if (fault.latencyMs > 0) await delay(fault.latencyMs);
      send(response, routed.response);
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, internalError("unknown", "Unknown", error));
      else response.destroy();
    });
  });
}
