/** A scan worker that dies as a crashing thread would (test/scan/workers-crash.test.ts): the thread exits mid-task. */
export default function crash(): Promise<never> {
  process.exit(7);
}
