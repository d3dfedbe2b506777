/**
 * The local target and the SSH target run the same argv the same way: argv[0] is always the
 * program — never taken as a variable assignment, whatever it contains — every other word and
 * every environment value arrives byte-exact, and nothing else runs (a canary file stays absent).
 * A program that does not exist ends with exit code 127 on both.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { localTarget, type Target } from "../../sdk/target";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";

let sshd: TestSshd;
let dir: string;
let canary: string;
let targets: Array<[string, Target]>;

beforeAll(async () => {
  sshd = await startTestSshd();
  dir = mkdtempSync(join(tmpdir(), "bioxen-argv-parity-"));
  canary = join(dir, "canary");
  targets = [["local", localTarget()], ["ssh", sshTarget(sshTargetOptions(sshd, { dialTimeoutMs: 10_000 }))]];
});
afterAll(async () => {
  await closeAllSshConnections();
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a run came to, comparable across targets. */
async function outcome(target: Target, argv: string[], env: Record<string, string>): Promise<string> {
  const result = await target.exec(argv, { env, deadline: 20_000 });
  return JSON.stringify({ exitCode: result.exitCode, stdout: result.stdout });
}

describe("argv parity between the local and the SSH target", () => {
  const hostileValue = `$(touch CANARY)'"\`touch CANARY\`;a=b`;
  const cases: Array<[string, (c: string) => string[]]> = [
    ["an argv[0] that looks like an assignment", (c) => ["a=b", "touch", c]],
    ["an argv[0] naming a variable we set", (c) => ["BIOXEN_PARITY=x", "touch", c]],
    ["an argv[0] with spaces and a semicolon", (c) => ["x; touch", c]],
    ["a missing program", () => ["/nonexistent/bioxen-parity"]],
    ["assignment-like later words", (c) => ["printf", "%s|", "a=b", `K=$(touch ${c})`, "--", "-n"]],
    ["an environment value with shell syntax", () => ["printenv", "BIOXEN_PARITY"]],
  ];
  for (const [what, argvOf] of cases) {
    it(`runs ${what} identically, and nothing else`, async () => {
      const argv = argvOf(canary);
      const env = { BIOXEN_PARITY: hostileValue.replaceAll("CANARY", canary) };
      const [local, remote] = await Promise.all(targets.map(([, target]) => outcome(target, argv, env)));
      expect(remote).toBe(local);
      expect(existsSync(canary), "a canary file means a word ran as a command").toBe(false);
    });
  }

  it("passes environment values byte-exact on both", async () => {
    const value = `$(id) 'q' "dq" \`x\` a=b ünï`;
    for (const [name, target] of targets) expect((await target.exec(["printenv", "BIOXEN_PARITY"], { env: { BIOXEN_PARITY: value } })).stdout, name).toBe(`${value}\n`);
  });
});

describe("an argv too long for one command line", () => {
  it("is refused over SSH before anything is sent, saying how to pass the data, and refused locally too", async () => {
    const argv = ["printf", "%s", "x".repeat(200_000)];
    const [, ssh] = targets[1]!;
    const remote = await ssh.exec(argv).catch((error: unknown) => error);
    expect(remote).toMatchObject({ name: "SshError", reason: "INVALID_ARGUMENT" });
    expect((remote as Error).message).toMatch(/is 2000\d\d bytes quoted; the remote shell takes at most 131071 .*stdin or upload it with writeFile/);
    await expect(targets[0]![1].exec(argv)).rejects.toThrow(/E2BIG/);
    // Just under the limit still runs, byte-exact.
    const fits = "y".repeat(130_000);
    expect((await ssh.exec(["printf", "%s", fits])).stdout).toBe(fits);
  });
});
