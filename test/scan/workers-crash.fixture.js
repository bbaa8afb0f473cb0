/**
 * A scan worker that dies as a crashing thread would (test/scan/workers-crash.test.ts): the thread
 * exits mid-task. Plain JavaScript: a TypeScript entry would make each thread load tsx to run it.
 */
export default function crash() {
  process.exit(7);
}
