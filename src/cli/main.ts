#!/usr/bin/env node
/** The `replguard` executable. */
import { boundHeapGrowth } from "./heap.js";
import { limitInlining } from "./inlining.js";
import { main } from "./program.js";

// The SDK warns on Node 20 that *future* SDK releases will need Node 22. The locked SDK version
// supports Node 20, so that notice is for replguard's maintainers, not for every audit's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A file-size limit (`ulimit -f`) would kill the process with SIGXFSZ mid-write, leaving temporary
// files behind. Ignored, the write fails with EFBIG instead, and the report writer cleans up.
process.on("SIGXFSZ", () => undefined);

// V8 settings, process-wide, so set here, not by the library. An audit holds little but allocates
// fast: V8 would let the heap grow to several times what is live before collecting
// (docs/memory.md). Its first pass over the documents is mostly TurboFan compiling the policies'
// code: smaller inlining makes that cheaper (docs/scale.md, "Policy evaluation").
let settingError: string | null = null;
try {
  boundHeapGrowth();
  limitInlining();
} catch (error) {
  settingError = (error as Error).message;
}

if (settingError === null) process.exitCode = await main(process.argv.slice(2));
else {
  process.stderr.write(`replguard: ${settingError}\n`);
  process.exitCode = 2;
}
