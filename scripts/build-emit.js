// `npm run check`'s build: the JavaScript of src/ into dist/, one .js (+ source map) per .ts, with
// esbuild instead of `tsc --noCheck` (~10 → ~0.5 CPU-seconds; it runs before the tests, so its time
// is all wall time). The spawned-CLI tests and the worker threads need only this JavaScript.
// Types are not checked here: check:static runs beside it over one program (the type-check, the
// typed lint and the declaration-emit errors `tsc -p tsconfig.build.json` would report).
// `npm run build` (tsc, with declarations) stays the release build.
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(fileURLToPath(import.meta.resolve("../package.json")), "..");
const src = join(root, "src");

const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [join(dir, entry.name)] : [],
  );

// Not bundled: each module keeps its own file and its `./x.js` imports, as tsc writes them; the
// target matches tsconfig's ES2022 so no syntax is lowered differently from the release build.
await build({
  entryPoints: sources(src),
  outdir: join(root, "dist"),
  outbase: src,
  bundle: false,
  format: "esm",
  platform: "node",
  target: "es2022",
  sourcemap: true,
  tsconfig: join(root, "tsconfig.build.json"),
  logLevel: "warning",
});
console.log(`build:emit: ${relative(root, src)}/ → dist/ (esbuild)`);
