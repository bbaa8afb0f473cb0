#!/usr/bin/env node
/** The `replguard` executable. */
import { main } from "./program.js";

// The SDK warns on Node 20 that *future* SDK releases will need Node 22. The locked SDK version
// supports Node 20, so that notice is for replguard's maintainers, not for every audit's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A file-size limit (`ulimit -f`) would kill the process with SIGXFSZ mid-write, leaving temporary
// files behind. Ignored, the write fails with EFBIG instead, and the report writer cleans up.
process.on("SIGXFSZ", () => undefined);

process.exitCode = await main(process.argv.slice(2));
