import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks } from "../../sdk/rocks";
import { createVm, type LuaVM } from "../../sdk/vm";
import { SEEDED, TEMPLATES, type Simulator } from "../../sim";
import { generateEd25519KeyFiles } from "../../sim/sshd/keys";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim, type TestSim } from "../support/sim";
import { freePort } from "../support/sshd";
import { REPO_ROOT } from "./support/tmux";

// `check <file>` on the packages of VMs: a simulator pool whose guests are real sshd, the VM found
// through XAPI and reached over SSH pinned to its recorded host key, its rocks required there.
const SECRETS = { BIOXEN_CHECK_TEST_POOL_PASSWORD: "", BIOXEN_CHECK_TEST_SSH_KEY: "" };
let env: TestSim;
let sim: Simulator;
let rocks: RocksServer;
let dir: string;
let sshPort: number;
let vm: LuaVM;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-check-vm-"));
  const key = await generateEd25519KeyFiles(join(dir, "id_ed25519"), "check-vm-test");
  let privateKey: string;
  [privateKey, sshPort, rocks] = await Promise.all([readFile(key.privateKeyPath, "utf8"), freePort(), startRocksServer({ rocks: ["alpha", "ailing"] })]);
  env = await startTestSim({ guest: { authorizedKeys: [key.publicKey], sshPort, bootDelayMs: 100, addressBase: "127.96" } });
  sim = env.sim;
  const ssh = { username: userInfo().username, privateKey, port: sshPort };
  vm = await createVm("lab-0", { type: "xcpng", connection: { client: env.client }, template: TEMPLATES.cloneReady, networks: [{ network: SEEDED.managementNetwork }], ssh, timeouts: { createMs: 60_000, readyMs: 60_000, deleteMs: 60_000 } });
  Object.assign(SECRETS, { BIOXEN_CHECK_TEST_POOL_PASSWORD: sim.password, BIOXEN_CHECK_TEST_SSH_KEY: privateKey });
  // The guests are this machine's sshd: install into a tree of this test, never the user's own.
  const onVm = new LuaRocks(vm.target, { tree: { path: vmTree() }, servers: [rocks.url], env: { HOME: dir } });
  for (const rock of ["alpha", "ailing"]) await onVm.install(rock, { version: "1.0-1" });
}, 240_000);

afterAll(async () => {
  await vm?.destroy();
  await env?.stop();
  await rocks?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

const vmTree = () => join(dir, "vm-tree");

/** An environment file of `count` VMs `lab-<i>` whose profile holds `packages`. */
async function environment(count: number, packages: string[]): Promise<string> {
  const path = join(dir, "lab.yaml");
  await writeFile(path, [
    "version: 1",
    "connections:",
    `  sim: { url: "${sim.url}", username: "${sim.username}", password: { env: BIOXEN_CHECK_TEST_POOL_PASSWORD } }`,
    "vms:",
    "  lab:",
    "    connection: sim",
    `    template: "${TEMPLATES.cloneReady}"`,
    `    count: ${count}`,
    `    networks: [{ poolNetwork: "${SEEDED.managementNetwork}" }]`,
    `    ssh: { user: "${userInfo().username}", port: ${sshPort}, privateKey: { env: BIOXEN_CHECK_TEST_SSH_KEY } }`,
    `    packages: [${packages.map((name) => `{ name: ${name}, version: "1.0-1", tree: "${vmTree()}" }`).join(", ")}]`,
    "",
  ].join("\n"));
  return path;
}

/** Runs `bioxen-luavm check` (the built bin/) asynchronously: the simulator it asks runs in this process. */
function checkCli(path: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const options = { cwd: REPO_ROOT, encoding: "utf8" as const, env: { ...process.env, ...SECRETS, HOME: dir }, timeout: 180_000 };
  return new Promise((done) => {
    execFile(process.execPath, ["bin/bioxen-luavm.js", "check", path], options, (error, stdout, stderr) => done({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }));
  });
}

describe("bioxen-luavm check on VM packages (simulator guests over SSH)", () => {
  it("requires each rock's modules on the VM: names the VM, package, module and Lua error, and a VM it cannot reach; exit 1", async () => {
    const result = await checkCli(await environment(2, ["alpha", "ailing"]));
    expect(result.status).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines).toContain("ok    pkg:lab-0/alpha");
    expect(result.stdout).toMatch(/^FAIL  pkg:lab-0\/ailing: 1\.0-1: ailing\.core: .*core\.lua:2: ailing\.core: the reference table is missing$/m);
    // lab-1 was never created: named, with what XAPI said, and still exit 1.
    expect(result.stdout).toMatch(/^FAIL  pkg:lab-1\/alpha: cannot check on VM lab-1: .*lab-1/m);
    expect(result.stdout + result.stderr).not.toContain(SECRETS.BIOXEN_CHECK_TEST_SSH_KEY.split("\n")[1]!);
  }, 240_000);

  it("exits 0 when every VM package is installed as asked and loads", async () => {
    expect(await checkCli(await environment(1, ["alpha"]))).toEqual({ status: 0, stdout: "ok    pkg:lab-0/alpha\n", stderr: "" });
  }, 240_000);
});
