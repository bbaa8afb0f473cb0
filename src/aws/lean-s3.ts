/**
 * The lean read path for the hot per-bucket GETs (docs/scale.md, "The lean read path"): per call,
 * one SigV4 signature (`@smithy/signature-v4`, whose signing key is cached per day, region and
 * credentials), one request on the shared keep-alive pools (lean-transport.ts), one parse with the
 * SDK's XML parser.
 * None of the SDK's per-call machinery (middleware stack, endpoint rule engine, schema serde, user
 * agent) runs; what it decides is decided once and reused:
 * - the endpoint: the SDK's own rule engine (`getEndpointFromInstructions`, with the client's
 *   resolved config: region, FIPS, dual-stack, path style, `endpoint`/`AWS_ENDPOINT_URL*`) resolves
 *   each operation for a probe bucket once per region; a bucket whose name the rules treat as they
 *   treat the probe's (DNS-compatible, no dots, no `--` suffix) gets the probe's URL with its own
 *   name in place. Any other name, or an auth scheme other than SigV4, goes to the SDK client.
 * - retries: the same retry strategy the SDK client would use (standard mode with `maxAttempts`, or the
 *   configured `retryStrategy`), one per (account, region) as the SDK has one per client, driven as
 *   the SDK's retry middleware drives it; the attempts land in `$metadata` for the limiter's count.
 *   The call's request slot is held for each attempt and given back while the loop backs off.
 */
import type { SignatureV4 } from "@smithy/signature-v4";
import { StandardRetryStrategy } from "@smithy/core/retry";
import type { AwsCredentialIdentityProvider, RetryStrategyV2, RetryToken } from "@smithy/types";
import { metadataOf, retryErrorInfo, serviceError, type LeanMetadata, type LeanResponse, type LeanServiceError } from "./lean-errors.js";
import { deserializeOutput, LEAN_OUTPUTS, type LeanOperation } from "./lean-shapes.js";
import { NodeSha256 } from "./lean-sha256.js";
import { LeanSignatureV4 } from "./lean-signer.js";
import type { LeanTransport } from "./lean-transport.js";
import type { CallSlot } from "./request-slots.js";

/** Where one operation is sent for the probe bucket (or account), and how it is signed. */
export interface EndpointTemplate {
  url: URL;
  /** The probe's name is in the host (virtual-hosted style) or the path (path style), or nowhere (an endpoint as given). */
  in: "host" | "path" | "none";
  signingRegion: string;
  signingName: string;
  /** The name resolved in place of the real one; default PROBE_BUCKET (S3 Control's: control-jobs.ts). */
  probe?: string;
  /** The operation's path after the endpoint's; default `/` (a bucket's configuration reads). */
  operationPath?: string;
}

/** The bucket name the endpoint templates are resolved for. */
export const PROBE_BUCKET = "replguard-endpoint-probe";

/**
 * Names the S3 endpoint rules route exactly as they route the probe: a valid DNS label of 3–63
 * lower-case letters, digits and hyphens (so virtual-hostable, and never an IP address), with no
 * `--` (the rules' directory-bucket, access-point-alias and Outposts suffixes all contain one).
 */
export const templatable = (bucket: string): boolean => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes("--");

export interface LeanS3Options {
  credentials: AwsCredentialIdentityProvider;
  /** How a signed GET is sent (lean-transport.ts: undici's keep-alive pools, shared by every account's reads). */
  transport: LeanTransport;
  /** The configured retry strategy; default standard mode with `maxAttempts`, as the SDK clients. */
  retryStrategy?: RetryStrategyV2;
  maxAttempts: number;
  /** The clock correction to start from, in ms (the SDK's `systemClockOffset`); default 0. */
  systemClockOffset?: number;
}

/** A template's URL taken apart once (a URL's getters are not free), with the probe's place in the host or path. */
interface CompiledTemplate {
  protocol: string;
  port: number | undefined;
  /** `protocol//` and `:port` (or nothing), around the host in the request's origin. */
  originParts: readonly [string, string];
  /** The host around the probe's name (virtual-hosted style), or null and the host as it is. */
  hostParts: readonly [string, string] | null;
  hostname: string;
  /** The path around the probe's name (path style), or null and the path as it is; ends with the operation's `/`. */
  pathParts: readonly [string, string] | null;
  path: string;
}

const compiledTemplates = new WeakMap<EndpointTemplate, CompiledTemplate>();

function compiled(template: EndpointTemplate): CompiledTemplate {
  let target = compiledTemplates.get(template);
  if (target === undefined) {
    const url = template.url;
    // The serializer joins the endpoint's path and the operation's (`/`) as the SDK does.
    const path = `${url.pathname.endsWith("/") ? url.pathname.slice(0, -1) : url.pathname}${template.operationPath ?? "/"}`;
    const probe = template.probe ?? PROBE_BUCKET;
    const around = (text: string): readonly [string, string] => {
      const at = text.indexOf(probe);
      return [text.slice(0, at), text.slice(at + probe.length)];
    };
    target = {
      protocol: url.protocol,
      port: url.port === "" ? undefined : Number(url.port),
      originParts: [`${url.protocol}//`, url.port === "" ? "" : `:${url.port}`],
      hostParts: template.in === "host" ? around(url.hostname) : null,
      hostname: url.hostname,
      pathParts: template.in === "path" ? around(path) : null,
      path,
    };
    compiledTemplates.set(template, target);
  }
  return target;
}

export type LeanOutput = Record<string, unknown> & { $metadata: LeanMetadata };

/** One GET: where (a template and the name in its probe's place), its query (as signed, and as sent), further headers to sign. */
export interface LeanRequestSpec {
  template: EndpointTemplate;
  name: string;
  query: Record<string, string>;
  /** The query as it goes on the URL, encoded as the SDK's serializer encodes it. */
  search: string;
  headers?: Record<string, string>;
  /** A POST of `body` (KMS's JSON protocol: lean-kms.ts); default a GET without one. */
  body?: string;
  /** The SDK's error for a non-2xx answer of this protocol; default S3's (RestXml). */
  error?: (response: LeanResponse) => LeanServiceError;
}

export class LeanS3 {
  private readonly signers = new Map<string, SignatureV4>();
  private readonly byTemplate = new WeakMap<EndpointTemplate, SignatureV4>();
  private readonly retry: RetryStrategyV2;
  /**
   * The retry strategy is this class's own standard one: an error it classes `CLIENT_ERROR` (every
   * "configuration not found", AccessDenied…) is never retried, so it is thrown without asking the
   * strategy, which would only answer by constructing and throwing an Error of its own.
   */
  private readonly standardRetry: boolean;
  /**
   * The standard strategy's first token, asked for once: it is a constant (no retries, no cost, not
   * long-poll) that nothing changes (`recordSuccess` reads its cost, a refresh makes a new token),
   * so every call starts from it. A configured strategy is asked on every call, as the SDK does.
   */
  private initialToken: RetryToken | undefined;
  /** The last answer's `Date` header and its time, so the same second's answers parse it once. */
  private lastDate: string | undefined;
  private lastServerTime = Number.NaN;
  /**
   * Server time minus local time, learnt from every answer's `Date` as the SDK's signer learns it
   * (`AwsSdkSigV4Signer`): requests are signed at the corrected time, and an error answer that
   * moved the clock by 4 minutes or more is marked `clockSkewCorrected`, which the retry strategy
   * takes as transient (a RequestTimeTooSkewed is retried at the right time).
   */
  private offset: number;

  constructor(private readonly options: LeanS3Options) {
    this.retry = options.retryStrategy ?? new StandardRetryStrategy(options.maxAttempts);
    this.standardRetry = options.retryStrategy === undefined;
    this.offset = options.systemClockOffset ?? 0;
  }

  /** `getUpdatedSystemClockOffset`: the new offset from an answer's Date (unless cached, or the answer took over 15 minutes). */
  private learnClock(headers: Record<string, string | undefined>, sentAt: number): number {
    const date = headers.date;
    if (date !== undefined && date !== this.lastDate) {
      this.lastDate = date;
      this.lastServerTime = Date.parse(date);
    }
    const serverTime = date === undefined || headers.age !== undefined ? Number.NaN : this.lastServerTime;
    const now = Date.now();
    if (!Number.isNaN(serverTime) && now - sentAt <= 900_000) this.offset = serverTime - now;
    return this.offset;
  }

  /**
   * The operation's output for `bucket` (a `templatable` name), in the SDK's shape with `$metadata`;
   * throws the SDK's error. `slot`, the call's request slot, is held while an attempt is sent and
   * given back while the loop waits to retry (request-slots.ts).
   */
  get(template: EndpointTemplate, operation: LeanOperation, bucket: string, slot?: CallSlot): Promise<LeanOutput> {
    const query = LEAN_OUTPUTS[operation].query;
    return this.retried({ template, name: bucket, query: { [query]: "" }, search: query }, (body) => deserializeOutput(operation, body), slot);
  }

  /**
   * One signed GET of `request` until answered or given up, as the SDK's retry middleware drives
   * its strategy; a 2xx answer's body parsed by `parse`, any other thrown as the SDK's error.
   */
  async retried(request: LeanRequestSpec, parse: (body: string) => Record<string, unknown>, slot?: CallSlot): Promise<LeanOutput> {
    let token = this.initialToken ?? (await this.retry.acquireInitialRetryToken(""));
    if (this.standardRetry) this.initialToken ??= token;
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      const wait = slot?.take();
      if (wait !== undefined) await wait;
      const before = this.offset;
      const sentAt = Date.now();
      try {
        const response = await this.send(request);
        const offset = this.learnClock(response.headers, sentAt);
        if (response.statusCode < 200 || response.statusCode >= 300) {
          const error = (request.error ?? serviceError)(response);
          if (Math.abs(offset) >= 240_000 && offset !== before) error.$metadata.clockSkewCorrected = true;
          throw error;
        }
        const output = parse(response.body) as LeanOutput;
        this.retry.recordSuccess(token);
        // The answer's metadata then the attempts, in the SDK's order (one object, not a copy).
        const metadata = metadataOf(response);
        metadata.attempts = attempts + 1;
        metadata.totalRetryDelay = totalRetryDelay;
        output.$metadata = metadata;
        return output;
      } catch (error) {
        const info = retryErrorInfo(error);
        // The strategy may wait before it answers (adaptive mode's rate limit), and then the backoff: neither in a slot.
        slot?.free();
        try {
          if (this.standardRetry && info.errorType === "CLIENT_ERROR") throw error;
          token = await this.retry.refreshRetryTokenForRetry(token, info);
        } catch {
          const e = error as { $metadata?: Partial<LeanMetadata> };
          e.$metadata = { ...e.$metadata, attempts: attempts + 1, totalRetryDelay };
          throw error;
        }
        attempts = token.getRetryCount();
        const delay = token.getRetryDelay();
        // As the SDK's middleware: the strategy's own wait (it sleeps inside the refresh) plus the token's.
        totalRetryDelay += ((token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0) + delay;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** The signer for a template's region and service: one per pair, found by the template itself on later calls. */
  private signer(template: EndpointTemplate): SignatureV4 {
    let signer = this.byTemplate.get(template);
    if (signer !== undefined) return signer;
    const key = `${template.signingRegion}/${template.signingName}`;
    signer = this.signers.get(key);
    if (signer === undefined) {
      // S3's signing: no double URI encoding, the payload hash sent as x-amz-content-sha256; other
      // services' (KMS) the signer's defaults, as their SDK clients sign.
      const s3 = template.signingName === "s3";
      // The signing key kept per signer, the dates per second (lean-signer.ts); one hash class for all.
      signer = new LeanSignatureV4({
        credentials: this.options.credentials,
        region: template.signingRegion,
        service: template.signingName,
        sha256: NodeSha256,
        uriEscapePath: !s3,
        applyChecksum: s3,
      });
      this.signers.set(key, signer);
    }
    this.byTemplate.set(template, signer);
    return signer;
  }

  private async send({ template, name, query, search, headers: extra, body }: LeanRequestSpec): Promise<LeanResponse> {
    const target = compiled(template);
    const hostname = target.hostParts === null ? target.hostname : target.hostParts[0] + name + target.hostParts[1];
    const path = target.pathParts === null ? target.path : target.pathParts[0] + name + target.pathParts[1];
    const host = target.port === undefined ? hostname : `${hostname}:${target.port}`;
    const signed = await this.signer(template).sign(
      {
        method: body === undefined ? "GET" : "POST",
        protocol: target.protocol,
        hostname,
        port: target.port,
        path,
        query,
        headers: extra === undefined ? { host } : { ...extra, host },
        ...(body === undefined ? {} : { body }),
      },
      // The signer's own Region, given: no await of its region provider per request.
      { signingDate: new Date(Date.now() + this.offset), signingRegion: template.signingRegion },
    );
    // As an array: sent as given, not gathered into an object again.
    const headers: string[] = [];
    for (const name in signed.headers) headers.push(name, signed.headers[name]!);
    const origin = target.originParts[0] + hostname + target.originParts[1];
    return this.options.transport({ origin, path: search === "" ? path : `${path}?${search}`, headers, ...(body === undefined ? {} : { body }) });
  }
}
