/**
 * Which of the project's modules a spawned process loaded: a module-loader hook (registered with
 * `--import`) appends the URL of every module it loads to a file. The start-up tests use it to show
 * that `--version`, `--help` and a bad flag load the flag definitions only, not the SDK, the
 * policies or the report writers: a fact about what runs, not a time.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (url.startsWith("file:")) appendFileSync(process.env.REPLGUARD_TEST_MODULE_LOG, url + "\\n");
  return next(url, context);
}
`;
const REGISTER = `import { register } from "node:module";
register("./hooks.mjs", import.meta.url);
`;

export interface ModuleLog {
  /** Node options that load the hook, and the environment that names the log file. */
  nodeArgs: string[];
  env: Record<string, string>;
  /** The loaded modules' paths under src/ or dist/ of this checkout (e.g. `cli/program`), extension dropped. */
  projectModules(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function moduleLog(root: string): Promise<ModuleLog> {
  const dir = await mkdtemp(join(tmpdir(), "replguard-modules-"));
  await writeFile(join(dir, "hooks.mjs"), HOOKS);
  await writeFile(join(dir, "register.mjs"), REGISTER);
  const log = join(dir, "loaded.txt");
  await writeFile(log, "");
  const prefix = pathToFileURL(root).href.replace(/\/?$/, "/");
  return {
    nodeArgs: ["--import", pathToFileURL(join(dir, "register.mjs")).href],
    env: { REPLGUARD_TEST_MODULE_LOG: log },
    async projectModules() {
      const urls = (await readFile(log, "utf8")).split("\n").filter((url) => url.startsWith(prefix));
      return urls.map((url) => url.slice(prefix.length).replace(/^(src|dist)\//, "").replace(/\.(ts|js)$/, "")).filter((path) => !path.startsWith("node_modules/"));
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
