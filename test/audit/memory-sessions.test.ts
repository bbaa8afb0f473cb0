/**
 * What an account's session holds once its credentials are in hand: the credentials, not the STS
 * client the SDK's AssumeRole provider built to get them (~15 KB an account, held from the
 * account's start to the end of the access pass: 15 MB at 1,000 accounts, docs/memory.md).
 * Counted on the heap, after a full collection, through the inspector's `Runtime.queryObjects`
 * (every live object whose prototype chain holds the STS client's prototype), when every account
 * is read and every session still held: the destinations phase begins.
 */
import { Session } from "node:inspector";
import { STSClient } from "@aws-sdk/nested-clients/sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBeforeReportWorker } from "../../src/audit/release.js";
import { scan } from "../../src/scan/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";

const ACCOUNTS = 6;
let generated: Sandbox;
beforeAll(async () => {
  generated = await startSandbox({ generate: { accounts: ACCOUNTS, buckets: 2, seed: 7 } });
});
afterAll(async () => {
  await generated?.close();
});

/** Live instances of the STS client the credential providers build, after a full GC (the main thread's inspector session answers synchronously). */
function liveStsClients(): number {
  collectBeforeReportWorker();
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object): T => {
    let answer: { error: Error | null; result: T } | null = null;
    session.post(method, params, (error, result) => (answer = { error, result: result as T }));
    if (answer === null) throw new Error(`${method} did not answer synchronously`);
    const { error, result } = answer as { error: Error | null; result: T };
    if (error !== null) throw error;
    return result;
  };
  const holder = globalThis as { __replguardStsPrototype?: object };
  holder.__replguardStsPrototype = STSClient.prototype;
  try {
    const prototype = post<{ result: { objectId: string } }>("Runtime.evaluate", { expression: "globalThis.__replguardStsPrototype" });
    const found = post<{ objects: { objectId: string } }>("Runtime.queryObjects", { prototypeObjectId: prototype.result.objectId });
    const length = post<{ result: { value: number } }>("Runtime.callFunctionOn", { objectId: found.objects.objectId, functionDeclaration: "function () { return this.length; }", returnByValue: true });
    return length.result.value;
  } finally {
    delete holder.__replguardStsPrototype;
    session.disconnect();
  }
}

describe("audit/memory: the accounts' sessions", () => {
  it("keeps no account's STS client once its role is assumed (the credentials only)", async () => {
    const counts: number[] = [];
    const assumed = () => generated.calls.filter((call) => call.operation === "AssumeRole" && call.status === 200).length;
    await scan({
      endpoint: generated.endpoint,
      credentials: generated.credentials,
      region: generated.region,
      onProgress: (p) => {
        if (p.phase === "destinations" && counts.length === 0) counts.push(assumed(), liveStsClients());
      },
      onBucket: () => undefined,
    });
    const [roles, clients] = counts;
    // Most accounts entered by AssumeRole (the generated organization denies a few).
    expect(roles).toBeGreaterThanOrEqual(ACCOUNTS / 2);
    // Before: one STS client per assumed role (6 here), held with its session until the access pass
    // ended; now at most one the engine still references (not one an account).
    expect(clients).toBeLessThanOrEqual(1);
  });
});
