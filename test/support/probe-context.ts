/** A scan context for destination resolution alone against a sandbox (the probes' tests, bench/probe-clients.ts). */
import { AwsClientFactory, createRequestLimiter, type RequestLimiter } from "../../src/aws/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { ProgressTracker, type ScanContext } from "../../src/scan/context.js";

/** The context's `bucketsInFlight` and sockets are `inFlight`; the caller closes `ctx.factory`. */
export async function probeContext(sandbox: Sandbox, inFlight: number, request: RequestLimiter = createRequestLimiter(inFlight)): Promise<ScanContext> {
  const factory = new AwsClientFactory({ endpoint: sandbox.endpoint, region: sandbox.region, maxAttempts: 1, maxSockets: inFlight });
  await factory.resolveS3Settings();
  return {
    factory,
    request,
    caller: { accountId: "100000000000", credentials: async () => sandbox.credentials },
    homeRegion: sandbox.region,
    singleAccount: false,
    roleName: "OrganizationAccountAccessRole",
    externalId: undefined,
    regions: null,
    plan: { all: ["versioning", "replication"], replicating: [], destinations: [] },
    bucketsInFlight: inFlight,
    outOfScopeBuckets: new Map(),
    progress: new ProgressTracker(undefined),
  };
}
