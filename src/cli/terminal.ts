/**
 * Text printed to a terminal. Names come from AWS (account names, bucket names, tags, error
 * messages) and from files; a control character in one could move the cursor, clear the screen or
 * rewrite an earlier line (ESC [2J, CR). Every line the CLI prints goes through `terminalText`:
 * C0 controls except newline (tab and CR included), DEL, and C1 controls (U+0080–U+009F, which some terminals
 * read as CSI) are shown as visible `\u001b`-style escapes.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

export const terminalText = (text: string): string =>
  text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Writes `text` to stdout with control characters made visible. */
export const printOut = (text: string): void => {
  process.stdout.write(terminalText(text));
};

/** Writes `text` to stderr with control characters made visible. */
export const printErr = (text: string): void => {
  process.stderr.write(terminalText(text));
};
