// oxlint.config.js, as test/lint/boundaries.test.ts reads it (to lint fixtures with the project's own rules).
declare const config: { options: Record<string, unknown> } & Record<string, unknown>;
export default config;
