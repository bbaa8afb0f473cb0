/**
 * What the CLI prints and records is safe to show: names from AWS cannot drive the terminal
 * (issue 10 point 11), and credentials in an endpoint URL are never recorded or printed (point 10).
 */
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalText } from "../../src/cli/terminal.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/types.js";
import { withoutUserInfo } from "../../src/url.js";
import { runMain } from "../support/cli.js";
import { ACCOUNTS } from "../support/accounts.js";
import { cleanScenario } from "../support/scenarios/clean.js";
import { readSnapshot } from "../../src/report/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "replguard-terminal-"));
});

/** Any C0 control but newline, DEL, or a C1 control. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("cli/terminal text", () => {
  it("shows control characters as visible escapes and leaves newlines and other text alone", () => {
    expect(terminalText("a\u001b[2Jb\r\tc\u009bd\u007fe\nf é 日本")).toBe("a\\u001b[2Jb\\u000d\\u0009c\\u009bd\\u007fe\nf é 日本");
  });

  it("prints an account name holding escape sequences without a raw control character", async () => {
    const scenario = cleanScenario();
    const hostile = "evil\u001b[2J\u001b[1A\rnot scanned: none\u009b31m";
    // The backup account has no audit role: its name is printed on the "not scanned" line.
    scenario.accounts[1] = { ...scenario.accounts[1]!, name: hostile, auditRole: false };
    const file = join(dir, "hostile.json");
    await writeFile(file, JSON.stringify(scenario));
    for (const mode of [[], ["--json"]]) {
      const run = await runMain(["audit", "--sandbox", file, "--format", "csv", "--out", join(dir, `hostile-${mode.length}`), ...mode]);
      expect(run.code).toBe(3);
      expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
      if (mode.length === 0) expect(run.stdout).toContain(`not scanned: account ${ACCOUNTS.backup} evil\\u001b[2J\\u001b[1A\\u000dnot scanned`);
    }
  });

  it("escapes what commander echoes back from the command line", async () => {
    const run = await runMain(["audit", "--no-such-\u001b[2J-flag"]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain("\\u001b[2J");
  });
});

describe("cli/credentials in the endpoint URL", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: "demo" });
  });
  afterAll(() => sandbox.close());

  it("strips user-info from a URL and keeps the rest as written", () => {
    expect(withoutUserInfo("http://KEY:SECRET@127.0.0.1:4566")).toBe("http://127.0.0.1:4566");
    expect(withoutUserInfo("https://user@example.com/path?q=a@b")).toBe("https://example.com/path?q=a@b");
    expect(withoutUserInfo("http://127.0.0.1:4566")).toBe("http://127.0.0.1:4566");
  });

  it("never records or prints the secret: snapshot, HTML, SARIF, CSV, stdout and stderr", async () => {
    const secret = "sEcReT-in-the-url-42";
    const endpoint = sandbox.endpoint.replace("://", `://AKIDUSERINFO:${secret}@`);
    const out = join(dir, "userinfo");
    const env = {
      AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
      AWS_REGION: sandbox.region,
    };
    const run = await runMain(["audit", "--endpoint-url", endpoint, "--out", out], { env });
    expect(run.code, run.stderr).toBe(3); // the demo's usual result: the audit ran against the sandbox
    const files = await readdir(out);
    expect(files.sort()).toEqual(["report.html", "results.csv", "results.sarif", "snapshot.json"]);
    for (const text of [run.stdout, run.stderr, ...(await Promise.all(files.map((f) => readFile(join(out, f), "utf8"))))]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain("AKIDUSERINFO");
    }
    const snapshot = await readSnapshot(join(out, "snapshot.json"));
    expect(snapshot.scan.endpoint).toBe(sandbox.endpoint);
    // A bad endpoint's error line does not echo the secret either.
    const bad = await runMain(["audit", "--endpoint-url", `ftp://AKIDUSERINFO:${secret}@host`], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain(secret);
  });
});
