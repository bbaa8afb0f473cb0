// `npm run check`'s build: the JavaScript of src/ into dist/, one .js (+ source map) per .ts, with
// esbuild instead of `tsc --noCheck` (~10 → ~0.3 CPU-seconds; it runs before the tests, so its time
// is all on the check's path). The spawned-CLI tests and the worker threads need only this JavaScript.
// Types are not checked here: check:static runs beside it (the type-check with the declaration-emit
// errors `tsc -p tsconfig.build.json` would report, and the typed lint).
// `npm run build` (tsc, with declarations) stays the release build.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

/** Every .ts under `dir` (declaration files aside). */
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [join(dir, entry.name)] : [],
  );

/** Emits `root`/src into `outdir` (default `root`/dist); returns the source files. */
export async function buildEmit(root, outdir = join(root, "dist")) {
  const src = join(root, "src");
  const entryPoints = sources(src);
  // Not bundled: each module keeps its own file and its `./x.js` imports, as tsc writes them; the
  // target is tsconfig's ES2022, so class fields and the rest keep the semantics of the release build.
  await build({
    entryPoints,
    outdir,
    outbase: src,
    bundle: false,
    format: "esm",
    platform: "node",
    target: "es2022",
    sourcemap: true,
    tsconfig: join(root, "tsconfig.build.json"),
    logLevel: "warning",
  });
  return entryPoints;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(fileURLToPath(import.meta.resolve("../package.json")), "..");
  const files = await buildEmit(root);
  console.log(`build:emit: ${files.length} files of src/ → dist/ (esbuild)`);
  // The validators ajv generates for the shipped schemas, from the modules just emitted.
  const { precompileSchemas } = await import("./precompile-schemas.js");
  console.log(`build:emit: ${(await precompileSchemas(root)).length} bundles of precompiled validators → dist/precompiled/`);
}
