export interface CheckSteps {
  /** The type-check and lint: whether they passed, and their report. */
  staticHalf: () => Promise<{ ok: boolean; output: string }>;
  /** build:emit; throws when it fails. */
  build: () => Promise<void>;
  /** The tests; resolves with their exit status. */
  test: () => Promise<number>;
  print: (text: string) => void;
}

export function runCheck(steps: CheckSteps): Promise<number>;
