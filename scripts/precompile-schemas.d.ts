/** Types of scripts/precompile-schemas.js, for the tests that import it. */
export const SHIPPED: [file: string, references: string[]][];
/** A bundle's CommonJS source: `entries` are each validator's name and ajv standalone code, `deps` the names that code refers to. */
export function bundleSource(entries: { name: string; code: string }[], deps?: string[]): string;
export function precompileSchemas(root: string, dir?: string): Promise<string[]>;
