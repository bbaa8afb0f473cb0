#!/usr/bin/env node
/** The `replguard` executable. */
import { main } from "./program.js";

// The SDK warns on Node 20 that *future* SDK releases will need Node 22. The locked SDK version
// supports Node 20, so that notice is for replguard's maintainers, not for every audit's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await main(process.argv.slice(2));
