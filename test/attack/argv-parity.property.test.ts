/**
 * Issue #16: the local and the SSH target behave identically for EVERY argv (a property over
 * generated argvs, after the examples in test/target/argv-parity.test.ts): the same exit code and
 * stdout, or the same refusal before anything runs; a missing program is exit 127 on both; a
 * canary file never appears.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { argvProblem } from "../../sdk/base/argv";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { localTarget, type Target } from "../../sdk/target";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { hostileString } from "./hostile-strings";

/** Generated argvs (each runs on both targets). */
const RUNS = 300;

let sshd: TestSshd;
let dir: string;
let canary: string;
let local: Target;
let remote: Target;

beforeAll(async () => {
  sshd = await startTestSshd();
  dir = mkdtempSync(join(tmpdir(), "bioxen-argv-property-"));
  canary = join(dir, "canary");
  local = localTarget();
  remote = sshTarget(sshTargetOptions(sshd, { dialTimeoutMs: 10_000 }));
});

afterAll(async () => {
  await closeAllSshConnections();
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A run's outcome, comparable across targets: exit code and stdout, or the refusal's reason. */
async function outcome(target: Target, argv: string[], env: Record<string, string>): Promise<string> {
  try {
    const result = await target.exec(argv, { env, deadline: 20_000 });
    return JSON.stringify({ exitCode: result.exitCode, stdout: result.stdout, stderrEmpty: result.stderr === "" });
  } catch (error) {
    // Both targets give the shared rule's words after their own prefix ("local: …: ", "ssh://…: ").
    const message = (error as Error).message;
    const problem = argvProblem(argv, env);
    return problem !== undefined && message.endsWith(`: ${problem}`) ? `refused: ${problem}` : `error: ${message}`;
  }
}

describe(`${RUNS} generated argvs on the local and the SSH target`, () => {
  it("end alike: same exit code and stdout, or the same refusal; nothing else runs", async () => {
    const program = fc.oneof(hostileString(canary), fc.constant("printf"));
    const argv = fc.tuple(program, fc.array(hostileString(canary), { maxLength: 4 })).map(([first, rest]) => (first === "printf" ? ["printf", "%s|", ...rest] : [first, ...rest]));
    const counts = { ran: 0, notFound: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(argv, hostileString(canary), async (words, value) => {
        const env = { BIOXEN_PARITY: value };
        const [here, there] = [await outcome(local, words, env), await outcome(remote, words, env)];
        expect(there, JSON.stringify(words)).toBe(here);
        expect(here.startsWith("error"), here).toBe(false);
        if (here.startsWith("refused")) counts.refused += 1;
        else if (JSON.parse(here).exitCode === 127) counts.notFound += 1;
        else counts.ran += 1;
        expect(existsSync(canary), `a canary file after ${JSON.stringify(words)}`).toBe(false);
      }),
      { numRuns: RUNS, seed: 16_127, endOnFailure: true },
    );
    console.log(`argv parity: ${RUNS} argvs, ${counts.ran} ran, ${counts.notFound} not found (127), ${counts.refused} refused on both`);
    expect(counts.ran).toBeGreaterThan(0);
    expect(counts.notFound).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(0);
  }, 300_000);
});
