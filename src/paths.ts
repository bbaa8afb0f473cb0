/**
 * Files shipped beside the code (policies, templates, schemas, scenarios) are found from the
 * package root, which is the parent of this module's folder both in `src/` (tests, tsx) and in `dist/`.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const packageRoot = fileURLToPath(new URL("..", import.meta.url));

export const shippedPath = (...parts: string[]): string => join(packageRoot, ...parts);
