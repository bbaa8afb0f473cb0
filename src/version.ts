/** The tool's own version, read once from the shipped package.json (one source of truth). */
import { readFileSync } from "node:fs";
import { shippedPath } from "./paths.js";

export const toolVersion: string = (
  JSON.parse(readFileSync(shippedPath("package.json"), "utf8")) as { version: string }
).version;
