/**
 * How many times `AWS_PROFILE` is read while `run` runs: the first thing the SDK's provider chain
 * (environment, shared config file, default) looks at, so a count of 0 means no setting was loaded
 * through it (test/aws/client-settings.test.ts, test/shard/static-settings.test.ts).
 */
export async function profileReads(run: () => Promise<void>): Promise<number> {
  const original = process.env;
  let reads = 0;
  process.env = new Proxy(original, {
    get(target, key, receiver) {
      if (key === "AWS_PROFILE") reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  try {
    await run();
  } finally {
    process.env = original;
  }
  return reads;
}
