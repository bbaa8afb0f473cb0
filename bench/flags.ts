/** The benches' numeric flags (`--accounts 100`): one parser, and a clear error for a value that is not a number. */
export function numberFlag(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (argv[index + 1] === undefined || !Number.isFinite(value)) {
    console.error(`bench: --${name} needs a number, got ${argv[index + 1] ?? "nothing"}`);
    process.exit(2);
  }
  return value;
}

/** The benches' text flags (`--checkout DIR`): the word after the flag, or `fallback` when the flag is not given. */
export function textFlag(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = argv[index + 1];
  if (value === undefined) {
    console.error(`bench: --${name} needs a value`);
    process.exit(2);
  }
  return value;
}
