/**
 * startSandbox: loads (or generates) a scenario, builds the world and serves it on 127.0.0.1.
 * The returned handle carries the management account's keys, the live call log and `exports()`
 * lines for a shell.
 *
 * Layout: one folder per service (`s3/`, `sts/`, `organizations/`; later `iam/`, `kms/`,
 * `s3control/`), each exporting its handler; `core/` holds what they share: the HTTP server and
 * routing, SigV4 and authentication, the call log, faults, the world and its internal contracts,
 * scenario loading and the generator. `types.ts` is the public API (what startSandbox takes and returns).
 */
import type { AddressInfo } from "node:net";
import { SandboxError } from "../errors.js";
import { CallLog } from "./core/calls.js";
import { createFaultInjector, mergeFaults } from "./core/faults.js";
import { generateScenario } from "./core/generate.js";
import { loadScenario } from "./core/scenario.js";
import { createSandboxServer } from "./core/server.js";
import { buildWorld, homeAccountId, longTermKey } from "./core/world.js";
import type { Sandbox, SandboxOptions } from "./types.js";

export { loadScenario, validateScenario } from "./core/scenario.js";
export { generateScenario, parseGenerateSpec, type GenerateSpec } from "./core/generate.js";
export { derivedCredentials } from "./core/world.js";
export type { Sandbox, SandboxOptions, Scenario, ScenarioAccount, ScenarioBucket, ScenarioBatchOperations, ScenarioBatchJob, CallRecord, FaultOptions, World, IamPolicyDocument, ScenarioRole, ScenarioManagedPolicy, ScenarioKmsKey } from "./types.js";

/** The region the exported environment names; bucket calls in other regions are redirected by S3 as in AWS. */
const DEFAULT_REGION = "us-east-1";

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // A generated scenario is valid by construction (test/sandbox/generate.test.ts validates it) and
  // ours alone, so it skips the schema pass and the world may use its objects without copying them:
  // that halves the start-up of a 100,000-bucket organization.
  const generated = options.generate !== undefined;
  const scenario = options.generate !== undefined ? generateScenario(options.generate) : await loadScenario(options.scenario ?? "demo");
  const world = buildWorld(scenario, { shareScenarioObjects: generated });
  const home = homeAccountId(scenario);
  const management = scenario.accounts.find((account) => account.id === home);
  if (management === undefined) throw new SandboxError("The scenario has no management account");
  const key = longTermKey(management);

  let offsetMs = 0;
  const baseClock = options.clock ?? (() => new Date());
  const clock = (): Date => new Date(baseClock().getTime() + offsetMs);
  const log = new CallLog();
  const server = createSandboxServer({ world, log, clock, faults: createFaultInjector(mergeFaults(scenario.faults, options.faults)) });
  server.keepAliveTimeout = 5_000;

  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const reason = error.code === "EADDRINUSE" ? `port ${port} is already in use` : error.message;
      reject(new SandboxError(`The sandbox could not listen on 127.0.0.1:${port}: ${reason}`, { cause: error }));
    });
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };

  return {
    endpoint,
    credentials,
    region: DEFAULT_REGION,
    managementAccountId: world.managementAccountId,
    calls: log.records,
    world,
    exports: () =>
      [
        `export AWS_ENDPOINT_URL=${endpoint}`,
        `export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
        `export AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
        `export AWS_REGION=${DEFAULT_REGION}`,
        // AWS CLI v1 reads the region from AWS_DEFAULT_REGION only.
        `export AWS_DEFAULT_REGION=${DEFAULT_REGION}`,
      ].join("\n"),
    advanceClock: (ms: number) => {
      offsetMs += ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
