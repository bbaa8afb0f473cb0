export interface CheckSteps {
  /** The type-check and lint: whether they passed, and their report. */
  staticHalf: () => Promise<{ ok: boolean; output: string }>;
  /** build:emit; throws when it fails. */
  build: () => Promise<void>;
  /** The tests; resolves with their exit status. */
  test: () => Promise<number>;
  /** The precompiled validators, written once the tests have started; throws when it fails. */
  precompile?: () => Promise<void>;
  print: (text: string) => void;
}

export function runCheck(steps: CheckSteps): Promise<number>;
