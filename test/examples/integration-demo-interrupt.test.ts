import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./run-example";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "bioxen-demo-interrupt-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("examples/integration-demo.ts interrupted", () => {
  it("cleans up the VM, the simulator and its files when Ctrl-C arrives after the VM exists", async () => {
    // Node with tsx's loader, not the tsx CLI: the CLI relays a SIGINT to its child only if the
    // child acknowledges it within 30 ms, else exits 130 itself (seen under load), so the signal
    // goes straight to the demo.
    const child = spawn(process.execPath, ["--import", "tsx", "examples/integration-demo.ts"], { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp, BIOXEN_XAPI_URL: "" } });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
    // Once the VM is up (the demo prints this step right after createVm), interrupt it.
    child.stdout.on("data", (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (!before.includes("==> running Lua over SSH") && stdout.includes("==> running Lua over SSH")) child.kill("SIGINT");
    });
    const deadline = setTimeout(() => child.kill("SIGKILL"), 90_000);
    const code = await exited.finally(() => clearTimeout(deadline));

    expect(stdout).toContain("==> running Lua over SSH");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^integration-demo failed: .*interrupted/m);
    expect(stdout).toMatch(/==> cleaning up\n(.*\n)* {2}VM destroyed\n {2}VMs left in the pool: 0\n$/);
    expect(stdout).not.toContain("demo finished");
    expect((await readdir(tmp)).filter((entry) => !/^tsx-\d+$/.test(entry))).toEqual([]);
  }, 120_000);
});
