/**
 * User mistakes end in exit 2 and one line naming the flag, folder or endpoint (issue 10 point 9);
 * a throttled first call ends in exit 3. In-process through `main(argv)`.
 */
import { createServer, type Server } from "node:http";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain, type CliRun } from "../support/cli.js";
import { cleanScenario } from "../support/scenarios/clean.js";

let dir: string;
let clean: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-inputs-"));
  clean = join(dir, "clean.json");
  await writeFile(clean, JSON.stringify(cleanScenario()));
});

/** Exit 2, exactly one line on stderr, containing every `needles`, and no stack trace. */
function expectOneLine(run: CliRun, ...needles: string[]): void {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  for (const needle of needles) expect(lines[0]).toContain(needle);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

const fakeCredentials = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1" };

describe("cli/flag values", () => {
  it.each([["not a url"], ["ftp://127.0.0.1:21"], ["file:///etc/passwd"]])("refuses --endpoint-url %j", async (url) => {
    const run = await runMain(["audit", "--endpoint-url", url, "--quiet"], { env: fakeCredentials });
    expectOneLine(run, "--endpoint-url");
  });

  it.each([
    ["--role-name", ""],
    ["--role-name", "a b/c"],
    ["--external-id", ""],
    ["--out", ""],
    ["--profile", ""],
  ])("refuses %s %j with the config schema's own rule", async (flag, value) => {
    const run = await runMain(["audit", "--sandbox", clean, flag, value, "--quiet"]);
    expectOneLine(run, flag);
  });

  it("refuses --format '' instead of writing nothing and saying nothing", async () => {
    const run = await runMain(["audit", "--sandbox", clean, "--format", "", "--quiet"]);
    expectOneLine(run, "--format", "no format given");
  });

  it.each([["70000"], ["-1"], ["abc"], ["1.5"]])("refuses sandbox --port %j", async (port) => {
    const run = await runMain(["sandbox", "--port", port]);
    expectOneLine(run, "--port");
  });
});

describe("cli/--out", () => {
  it("refuses an --out that is an existing file, a device, or under /proc, before scanning", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "x");
    for (const out of [file, "/dev/full", "/proc/x", "/proc/x/y/z"]) {
      const run = await runMain(["audit", "--sandbox", clean, "--out", out, "--quiet"]);
      expectOneLine(run, JSON.stringify(out), "--out");
    }
  });

  it("refuses an --out another run is writing (its lock names a live pid), leaving that folder alone", async () => {
    const out = join(dir, "busy");
    await runMain(["audit", "--sandbox", clean, "--out", out, "--format", "json", "--quiet"]);
    await writeFile(join(out, ".replguard.lock"), `${process.ppid}\n`);
    const run = await runMain(["audit", "--sandbox", clean, "--out", out, "--format", "csv", "--quiet"]);
    expectOneLine(run, "another replguard run", String(process.ppid));
    expect((await readdir(out)).sort()).toEqual([".replguard.lock", "snapshot.json"]);
  });
});

describe("cli/endpoints that are not AWS", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  async function htmlServer(status: number): Promise<string> {
    const server = createServer((_request, response) => {
      response.writeHead(status, { "content-type": "text/html" });
      response.end("<html><body>It works!</body></html>");
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it.each([[200], [404], [500]])("says an endpoint answering HTML %i does not speak the AWS API (exit 2)", async (status) => {
    const endpoint = await htmlServer(status);
    const run = await runMain(["audit", "--endpoint-url", endpoint, "--max-attempts", "1", "--out", join(dir, `html-${status}`), "--quiet"], {
      env: fakeCredentials,
    });
    expectOneLine(run, endpoint, "does not speak the AWS API");
  });

  it("exits 3 when STS GetCallerIdentity stays throttled through --max-attempts", async () => {
    const scenario = join(dir, "throttled.json");
    await writeFile(scenario, JSON.stringify({ ...cleanScenario(), faults: { throttleRate: 1 } }));
    const run = await runMain(["audit", "--sandbox", scenario, "--max-attempts", "1", "--out", join(dir, "throttled"), "--quiet"]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain("throttled");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
