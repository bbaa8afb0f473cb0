/**
 * What destination resolution's probes hold (docs/memory.md): `accounts` source accounts, each with
 * `probes` buckets spread over five Regions whose one rule names a bucket that is gone, resolved
 * against the demo sandbox in this process (every probe a HeadBucket answered 404). Prints the most
 * heap held while resolution runs (a full GC every 200 ms, a sample after it) over what was held
 * before, and the RSS at the end. Figures, never asserted.
 *
 *   node --expose-gc --import tsx bench/probe-clients.ts --accounts 1000 --probes 6
 */
import { unreadBucketDocument, type AccountRef } from "../src/model/index.js";
import { startSandbox } from "../src/sandbox/index.js";
import { AccountSession } from "../src/scan/context.js";
import { Inventory } from "../src/scan/inventory.js";
import { resolveDestinations } from "../src/scan/resolve.js";
import { inventoryEntry } from "../src/scan/spool.js";
import { probeContext } from "../test/support/probe-context.js";
import { numberFlag } from "./flags.js";

const accounts = numberFlag("accounts", 1000);
const probes = numberFlag("probes", 6);
const REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2"];
const IN_FLIGHT = 64;

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const gc = globalThis.gc;
const sandbox = await startSandbox();
const ctx = await probeContext(sandbox, IN_FLIGHT);
const { credentials } = ctx.caller;
const inventory = new Inventory();
const sessions = new Map<string, AccountSession>();
for (let a = 0; a < accounts; a++) {
  const id = String(200000000000 + a);
  const account: AccountRef = { id, name: `a${a}`, ouPath: "", tags: {} };
  sessions.set(id, new AccountSession(id, credentials, "caller", ctx.factory));
  for (let i = 0; i < probes; i++) {
    const doc = unreadBucketDocument(`source-${a}-${i}`, REGIONS[i % REGIONS.length]!, account);
    inventory.set(doc.name, { ...inventoryEntry(doc), destinations: [`gone-${a}-${i}`] });
  }
}
const heldMb = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const before = heldMb();
let most = before;
const timer = setInterval(() => (most = Math.max(most, heldMb())), 200);
try {
  const resolution = await resolveDestinations(ctx, inventory, sessions);
  clearInterval(timer);
  console.log(
    `${accounts} accounts × ${probes} probes (${resolution.heads.size} answered): heap held before ${before.toFixed(1)} MB, ` +
      `most held while resolving +${(most - before).toFixed(1)} MB, after +${(heldMb() - before).toFixed(1)} MB; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
} finally {
  clearInterval(timer);
  ctx.factory.close();
  await sandbox.close();
}
