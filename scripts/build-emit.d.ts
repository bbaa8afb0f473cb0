/** Emits `root`/src into `outdir` (default `root`/dist) with esbuild; returns the source files. */
export function buildEmit(root: string, outdir?: string): Promise<string[]>;
