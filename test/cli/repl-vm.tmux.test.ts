import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LuaVM } from "../../sdk/vm";
import { SEEDED, TEMPLATES, type Simulator } from "../../sim";
import type { TestSim } from "../support/sim";
import { runBin, startSimVm } from "./support/sim-vm";
import { TmuxServer } from "./support/tmux";

// `repl --vm <instance> --env <file>` against a simulator pool whose guests are real sshd: the VM
// is found through XAPI, reached over SSH pinned to its recorded host key, and its sessions are
// the ones the SDK's LuaVM.sessionHost() sees (namespace = the instance name).
const tmux = new TmuxServer("repl-vm");
const SECRETS = { BIOXEN_REPL_TEST_POOL_PASSWORD: "", BIOXEN_REPL_TEST_SSH_KEY: "" };
let env: TestSim;
let sim: Simulator;
let dir: string;
let envFile: string;
let vm: LuaVM;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-repl-vm-"));
  const started = await startSimVm(dir, "127.91");
  ({ env, sim, vm } = started);
  Object.assign(SECRETS, { BIOXEN_REPL_TEST_POOL_PASSWORD: sim.password, BIOXEN_REPL_TEST_SSH_KEY: started.privateKey });
  envFile = join(dir, "lab.yaml");
  await writeFile(envFile, [
    "version: 1",
    "connections:",
    `  sim: { url: "${sim.url}", username: "${sim.username}", password: { env: BIOXEN_REPL_TEST_POOL_PASSWORD } }`,
    "vms:",
    "  lab:",
    "    connection: sim",
    `    template: "${TEMPLATES.cloneReady}"`,
    "    count: 2",
    `    networks: [{ poolNetwork: "${SEEDED.managementNetwork}" }]`,
    `    ssh: { user: "${started.username}", port: ${started.sshPort}, privateKey: { env: BIOXEN_REPL_TEST_SSH_KEY } }`,
    "",
  ].join("\n"));
}, 120_000);

afterAll(async () => {
  tmux.kill();
  if (vm) {
    const host = await vm.sessionHost({ dir: sessionDir() });
    for (const { name } of await host.list()) await host.kill(name);
    await vm.destroy();
  }
  await env?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

/** Where the sessions live (the guests are this machine's sshd, so it is a local path), removed with `dir`. */
const sessionDir = () => join(dir, "sessions");

/** Runs `repl` to its end without a terminal (for the refusals). */
function replOnce(args: string[], secrets: Record<string, string> = SECRETS): Promise<{ status: number | null; stderr: string }> {
  return runBin(["repl", "--no-history", ...args], secrets);
}

describe("bioxen-luavm repl --vm under tmux (simulator guest)", () => {
  it("finds the VM of the environment file through XAPI, runs on the guest over SSH, and a later REPL and the SDK see the same session", async () => {
    const start = (pane: string) => tmux.start(pane, `node bin/bioxen-luavm.js repl --vm lab-0 --env ${envFile} --session bench --dir ${sessionDir()} --no-history`, SECRETS);
    start("first");
    await tmux.screenShowing("first", /attached to lab-0\/bench\n>$/m, 60_000);
    tmux.type("first", "local n = 41");
    tmux.type("first", 'print(">chr1 " .. tostring(os.getenv("SSH_CONNECTION") ~= nil)); return n + 1');
    const shown = await tmux.screenShowing("first", /^42$/m);
    expect(shown).toMatch(/^>chr1 true$/m);
    tmux.type("first", ".sessions");
    await tmux.screenShowing("first", /^bench\s+pid \d+\s+\(attached\)$/m);
    tmux.press("first", "C-d");
    await tmux.exitedCleanly("first");

    start("second");
    await tmux.screenShowing("second", /attached to lab-0\/bench/, 60_000);
    tmux.type("second", "n");
    await tmux.screenShowing("second", /^41$/m);
    tmux.press("second", "C-d");
    await tmux.exitedCleanly("second");

    const host = await vm.sessionHost({ dir: sessionDir() });
    expect((await host.list()).map((session) => session.name)).toEqual(["bench"]);
    const attached = await host.attach("bench");
    expect((await attached.eval("return n + 1")).values).toEqual(["42"]);
    await attached.detach();
  }, 240_000);

  it("refuses, saying why, an instance the file lacks, one the pool lacks, a missing --env or secret, and two targets", async () => {
    expect(await replOnce(["--vm", "nope", "--env", envFile])).toMatchObject({ status: 1, stderr: expect.stringContaining("has no VM instance of that name (instances: lab-0, lab-1)") });
    expect(await replOnce(["--vm", "lab-1", "--env", envFile])).toMatchObject({ status: 1, stderr: expect.stringMatching(/find Lua VM "lab-1".*not found/s) });
    expect(await replOnce(["--vm", "lab-0"])).toMatchObject({ status: 1, stderr: expect.stringContaining("--vm needs --env") });
    expect(await replOnce(["--vm", "lab-0", "--env", envFile, "--local"])).toMatchObject({ status: 1, stderr: expect.stringContaining("--local and --vm exclude each other") });
    const withoutKey = await replOnce(["--vm", "lab-0", "--env", envFile], { BIOXEN_REPL_TEST_POOL_PASSWORD: sim.password, BIOXEN_REPL_TEST_SSH_KEY: "" });
    expect(withoutKey).toMatchObject({ status: 1, stderr: expect.stringContaining("vms.lab.ssh.privateKey: environment variable BIOXEN_REPL_TEST_SSH_KEY is not set; export it (or pass --identity FILE)") });
    expect(withoutKey.stderr).not.toContain(sim.password);
  }, 120_000);
});
