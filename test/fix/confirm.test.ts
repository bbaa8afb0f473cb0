/** The confirmation before any write: `--yes`, an interactive "yes" on a terminal, else no write. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { confirmation } from "../../src/cli/fix-flow.js";
import { UsageError } from "../../src/errors.js";

function terminal(answer: string, isTTY = true) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let asked = "";
  output.on("data", (chunk: Buffer) => (asked += chunk.toString("utf8")));
  setImmediate(() => input.write(answer));
  return { io: { input, output }, asked: () => asked };
}

describe("cli/confirmation", () => {
  it("goes on when the person types yes", async () => {
    const t = terminal("yes\n");
    await expect(confirmation(undefined, "apply these fixes", t.io)()).resolves.toBe(true);
    expect(t.asked()).toBe("apply these fixes? Type yes to go on: ");
  });

  it.each(["no\n", "y\n", "\n"])("stops on anything but yes (%j)", async (answer) => {
    await expect(confirmation(undefined, "apply these fixes", terminal(answer).io)()).resolves.toBe(false);
  });

  it("does not ask with --yes", async () => {
    const t = terminal("no\n");
    await expect(confirmation(true, "apply these fixes", t.io)()).resolves.toBe(true);
    expect(t.asked()).toBe("");
  });

  it("refuses without a terminal (exit 2)", async () => {
    const error = await confirmation(undefined, "apply these fixes", terminal("yes\n", false).io)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
  });
});
