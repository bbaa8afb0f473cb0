/**
 * Client construction: one place sets the endpoint override, the standard retry mode and the
 * shared sockets, so every S3, STS and Organizations client behaves the same.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { S3ControlClient } from "@aws-sdk/client-s3-control";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { withoutUserInfo } from "../url.js";
import { leanBucketReads, resolveTemplate, sdkBucketReads, type BucketReads } from "./bucket-reads.js";
import { leanJobLists, resolveControlTemplate, sdkJobLists, type JobLists } from "./control-jobs.js";
import { leanKeyPolicies, resolveKmsTemplate, sdkKeyPolicies, type KeyPolicies } from "./lean-kms.js";
import { leanBucketLists, resolveListBucketsTemplate, sdkBucketLists, type BucketLists } from "./lean-list-buckets.js";
import { leanIamReads, resolveIamTemplate, sdkIamReads, type IamReads } from "./lean-iam.js";
import { LeanS3, type EndpointTemplate } from "./lean-s3.js";
import { leanDispatcher, REQUEST_TIMEOUT_MS, undiciTransport, type LeanTransport } from "./lean-transport.js";
import { answerTurns } from "./answer-turns.js";
import { slotPerAttempt } from "./request-slots.js";
import type { LeanOperation } from "./lean-shapes.js";

export interface AwsSettings {
  /** Endpoint override for every client (sandbox), or undefined for the SDK's own resolution (incl. AWS_ENDPOINT_URL). */
  endpoint?: string;
  /** Home region (STS, Organizations, ListBuckets). */
  region: string;
  /** Standard retry mode's maximum attempts per call. */
  maxAttempts: number;
  /**
   * The SDK's `retryStrategy` client option, given to every client in place of standard mode and
   * `maxAttempts` (e.g. tests that keep the retry decisions but not the seconds of backoff).
   */
  retryStrategy?: RetryStrategy;
  /** Upper bound of sockets in flight; matches the request limiter. */
  maxSockets: number;
  /**
   * The hot per-bucket GETs through the lean read path (lean-s3.ts) rather than the SDK client;
   * default true. Same calls, same answers, same documents; false keeps them on the SDK.
   */
  leanReads?: boolean;
}

/** What the SDK clients accept as `retryStrategy` (one type for S3, STS and Organizations). */
export type RetryStrategy = NonNullable<S3ClientConfig["retryStrategy"]>;

/** A client whose retries give the request slot back while they back off (request-slots.ts). */
function slotted<C extends { middlewareStack: unknown }>(client: C): C {
  slotPerAttempt(client.middlewareStack as Parameters<typeof slotPerAttempt>[0]);
  return client;
}

/** Reads the home region the way the CLI documents it. */
export const defaultRegion = (): string => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";

/**
 * The endpoint every client talks to, if overridden by option or by the SDK's environment
 * variables, as it may be recorded: without user-info (credentials) in it.
 */
export const effectiveEndpoint = (endpoint: string | undefined): string | null => {
  const url = endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ?? null;
  return url === null ? null : withoutUserInfo(url);
};

/**
 * S3 client settings the SDK otherwise loads on every call through its provider chain (environment,
 * then the shared config file, then a default), constructing a `ProviderError` at each step that
 * finds nothing (docs/scale.md, "CPU"). They cannot change during a scan: resolved once.
 */
const S3_LOADED_SETTINGS = [
  "authSchemePreference", "disableS3ExpressSessionAuth", "requestChecksumCalculation", "responseChecksumValidation",
  "sigv4aSigningRegionSet", "useArnRegion", "useDualstackEndpoint", "useFipsEndpoint", "userAgentAppId",
] as const;

type S3LoadedSettings = Partial<Pick<S3ClientConfig, (typeof S3_LOADED_SETTINGS)[number]>>;

/**
 * Builds clients that share one pair of keep-alive agents (the lean reads one set of undici pools):
 * thousands of clients cost no extra sockets. Clients are dropped, never destroyed one by one (that
 * would close the shared agents); `close()` ends them all.
 */
export class AwsClientFactory {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  /** The lean reads' keep-alive pools (lean-transport.ts), made on the first lean read, `maxSockets` connections an origin. */
  private lean: { dispatcher: ReturnType<typeof leanDispatcher>; transport: LeanTransport } | undefined;
  private s3Settings: S3LoadedSettings = {};
  /**
   * Those every client kind loads the same way (app id, auth scheme, FIPS, dual-stack): without
   * them every STS, S3 Control, IAM and KMS client ran the chain again (test/aws/client-settings.test.ts).
   */
  private shared: Pick<S3LoadedSettings, "userAgentAppId" | "authSchemePreference" | "useFipsEndpoint" | "useDualstackEndpoint"> = {};
  /** S3 Control reads `useArnRegion` with S3's own config options (`@aws-sdk/middleware-sdk-s3`): the same value. */
  private s3ControlSettings: Pick<S3LoadedSettings, "useArnRegion"> = {};
  /** Each S3 client's credentials and region, and its reads once asked for (dropped with the client). */
  private readonly s3Clients = new WeakMap<S3Client, { credentials: AwsCredentialIdentityProvider; region: string; reads?: BucketReads }>();
  /** Endpoint templates by region and operation: the rule engine runs once for each. */
  private readonly templates = new Map<string, Promise<EndpointTemplate | null>>();
  /** One S3 client per region that only resolves the templates (credentials play no part in the rules): no account's is made for it. */
  private readonly templateClients = new Map<string, S3Client>();

  constructor(readonly settings: AwsSettings) {
    const agentOptions = { keepAlive: true, maxSockets: settings.maxSockets };
    this.httpAgent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent(agentOptions);
  }

  private common(region: string) {
    return {
      region,
      ...(this.settings.retryStrategy === undefined
        ? // Standard, not adaptive: AWS recommends adaptive only for a client that reaches a single resource
          // (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); its rate limit
          // after each throttle tripled a 20%-throttled scan's time (docs/scale.md, Throttling).
          { maxAttempts: this.settings.maxAttempts, retryMode: "standard" }
        : { retryStrategy: this.settings.retryStrategy }),
      requestHandler: { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent, connectionTimeout: 10_000, requestTimeout: 60_000 },
      ...this.shared,
      // One resolved middleware chain per command and client: no stack changes after it is built.
      cacheMiddleware: true,
      // User-info is never handed on: the SDK has no use for it, and it would reach error messages.
      ...(this.settings.endpoint === undefined ? {} : { endpoint: withoutUserInfo(this.settings.endpoint) }),
    } as const;
  }

  /** Config for the STS client that AssumeRole providers create (they build their own client). */
  stsConfig(): STSClientConfig {
    return { ...this.common(this.settings.region) };
  }

  sts(credentials: AwsCredentialIdentityProvider): STSClient {
    return slotted(new STSClient({ ...this.common(this.settings.region), credentials }));
  }

  organizations(credentials: AwsCredentialIdentityProvider): OrganizationsClient {
    return slotted(new OrganizationsClient({ ...this.common(this.settings.region), credentials }));
  }

  /**
   * Resolves the settings of S3_LOADED_SETTINGS once, the SDK's own way (a client's config
   * providers), so every S3 client after this gets them as plain values.
   */
  async resolveS3Settings(): Promise<void> {
    const probe = this.s3(() => Promise.resolve({ accessKeyId: "", secretAccessKey: "" }), this.settings.region);
    const config = probe.config as unknown as Record<string, unknown>;
    const entries = await Promise.all(
      S3_LOADED_SETTINGS.map(async (name) => {
        const value = config[name];
        const resolved: unknown = typeof value === "function" ? await (value as () => Promise<unknown>)() : value;
        // A constant provider, not the bare value: `undefined` (no app id) would send the SDK back to its chain.
        return [name, () => Promise.resolve(resolved)] as const;
      }),
    );
    this.s3Settings = Object.fromEntries(entries) as S3LoadedSettings;
    const { userAgentAppId, authSchemePreference, useFipsEndpoint, useDualstackEndpoint, useArnRegion } = this.s3Settings;
    this.shared = { userAgentAppId, authSchemePreference, useFipsEndpoint, useDualstackEndpoint };
    this.s3ControlSettings = { useArnRegion };
  }

  s3(credentials: AwsCredentialIdentityProvider, region: string): S3Client {
    // Path-style whenever an endpoint is overridden: `bucket.127.0.0.1` does not resolve.
    const forcePathStyle = effectiveEndpoint(this.settings.endpoint) !== null;
    const client = slotted(new S3Client({ ...this.common(region), ...this.s3Settings, credentials, forcePathStyle, followRegionRedirects: false }));
    this.s3Clients.set(client, { credentials, region });
    return client;
  }

  /**
   * The per-bucket reads of an S3 client made here: the lean path with the client's credentials,
   * region and retry settings (one retry strategy per client, as the SDK has), or the client itself
   * with `leanReads: false`.
   */
  bucketReads(s3: S3Client): BucketReads {
    const info = this.s3Clients.get(s3);
    if (info === undefined) return sdkBucketReads(s3);
    info.reads ??= this.regionReads(info.credentials, info.region, () => s3);
    return info.reads;
  }

  /**
   * An account's reads in a region, as `bucketReads` gives them, the client made (`client`) only for
   * a name the lean path does not serve: an S3 client costs ~0.5 ms of CPU to make (five regions an
   * account, a thousand accounts), and the templates are resolved on a client of their own.
   */
  regionReads(credentials: AwsCredentialIdentityProvider, region: string, client: () => S3Client): BucketReads {
    const lean = this.leanS3(credentials);
    if (lean === null) return sdkBucketReads(client());
    return leanBucketReads(lean, (operation: LeanOperation) => this.template(`${region} ${operation}`, () => resolveTemplate(this.templateClient(region), operation)), client);
  }

  /** An account's ListJobs in a region (control-jobs.ts), its S3 Control client made (`client`) only for the region's template or the SDK; the client with `leanReads: false`. */
  jobLists(credentials: AwsCredentialIdentityProvider, region: string, client: () => S3ControlClient): JobLists {
    const lean = this.leanS3(credentials);
    if (lean === null) return sdkJobLists(client);
    return leanJobLists(lean, () => this.template(`${region} ListJobs`, () => resolveControlTemplate(client(), region)), client);
  }

  /** An account's ListBuckets pages in `region` (lean-list-buckets.ts), its S3 client made only if the SDK must serve them; the client with `leanReads: false`. */
  bucketLists(credentials: AwsCredentialIdentityProvider, region: string, client: () => S3Client): BucketLists {
    const lean = this.leanS3(credentials);
    if (lean === null) return sdkBucketLists(client);
    return leanBucketLists(lean, () => this.template(`${region} ListBuckets`, () => resolveListBucketsTemplate(this.templateClient(region))), client);
  }

  private templateClient(region: string): S3Client {
    let client = this.templateClients.get(region);
    if (client === undefined) {
      // Never sends: a read the template does not serve goes to the account's own client.
      client = this.s3(() => Promise.reject(new Error("the endpoint-template client sends nothing")), region);
      this.templateClients.set(region, client);
    }
    return client;
  }

  /** An account's KMS key policies in a Region (lean-kms.ts), its KMS client made only if a read needs it; the client with `leanReads: false`. */
  keyPolicies(credentials: AwsCredentialIdentityProvider, region: string): KeyPolicies {
    let made: KMSClient | undefined;
    const client = (): KMSClient => (made ??= this.kms(credentials, region));
    const lean = this.leanS3(credentials);
    if (lean === null) return sdkKeyPolicies(client);
    return leanKeyPolicies(lean, () => this.template(`${region} GetKeyPolicy`, () => resolveKmsTemplate(client(), region)), client);
  }

  /** The endpoint template for `key` (region and operation), resolved by `resolve` the first time any account asks. */
  private template(key: string, resolve: () => Promise<EndpointTemplate | null>): Promise<EndpointTemplate | null> {
    let template = this.templates.get(key);
    if (template === undefined) this.templates.set(key, (template = resolve()));
    return template;
  }

  /** A lean read path with these credentials and the scan's retry settings, or null where its reads stay on the SDK. */
  private leanS3(credentials: AwsCredentialIdentityProvider): LeanS3 | null {
    const strategy = this.settings.retryStrategy;
    // A legacy (v1) retry strategy is driven by the SDK's middleware only: those reads stay there.
    if (this.settings.leanReads === false || (strategy !== undefined && !("acquireInitialRetryToken" in strategy))) return null;
    return new LeanS3({
      credentials,
      transport: this.leanTransport(),
      maxAttempts: this.settings.maxAttempts,
      ...(strategy === undefined ? {} : { retryStrategy: strategy }),
    });
  }

  /**
   * S3 Control. Its rules put the account id in front of the host (`<account>.s3-control.<region>…`),
   * which cannot address a loopback IP: with an endpoint override the client sends to it as given,
   * path-style, the account in the x-amz-account-id header as always.
   */
  s3control(credentials: AwsCredentialIdentityProvider, region: string): S3ControlClient {
    const endpoint = effectiveEndpoint(this.settings.endpoint);
    const override = endpoint === null ? {} : { endpointProvider: () => ({ url: new URL(endpoint) }) };
    return slotted(new S3ControlClient({ ...this.common(region), ...this.s3ControlSettings, credentials, ...override }));
  }

  /** IAM is a global service: its calls are signed for us-east-1 whatever the home region. */
  iam(credentials: AwsCredentialIdentityProvider): IAMClient {
    return slotted(new IAMClient({ ...this.common("us-east-1"), credentials }));
  }

  /** An account's role reads (lean-iam.ts), its IAM client made only if a read needs the SDK; the client with `leanReads: false`. */
  iamReads(credentials: AwsCredentialIdentityProvider): IamReads {
    let made: IAMClient | undefined;
    const client = (): IAMClient => (made ??= this.iam(credentials));
    const lean = this.leanS3(credentials);
    if (lean === null) return sdkIamReads(client);
    // The template on a client of its own (it sends nothing), not the first account's.
    return leanIamReads(lean, () => this.template("IAM", () => resolveIamTemplate(this.iam(() => Promise.reject(new Error("sends nothing"))))), client);
  }

  /** KMS keys are regional: one client per key Region. */
  kms(credentials: AwsCredentialIdentityProvider, region: string): KMSClient {
    return slotted(new KMSClient({ ...this.common(region), credentials }));
  }

  private leanTransport(): LeanTransport {
    if (this.lean === undefined) {
      const dispatcher = leanDispatcher(this.settings.maxSockets);
      this.lean = { dispatcher, transport: undiciTransport(dispatcher, REQUEST_TIMEOUT_MS, answerTurns(this.settings.maxSockets)) };
    }
    return this.lean.transport;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    // Its idle connections hold nothing open (undici unrefs them), but a closed factory leaves none behind.
    void this.lean?.dispatcher.destroy().catch(() => undefined);
    this.lean = undefined;
  }
}
