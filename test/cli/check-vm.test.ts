import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks } from "../../sdk/rocks";
import { SEEDED, TEMPLATES } from "../../sim";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { runBin, startSimVm, type SimVm } from "./support/sim-vm";

// `check <file>` on the packages of VMs: a simulator pool whose guests are real sshd, the VM found
// through XAPI and reached over SSH pinned to its recorded host key, its rocks required there.
const SECRETS = { BIOXEN_CHECK_TEST_POOL_PASSWORD: "", BIOXEN_CHECK_TEST_SSH_KEY: "" };
let pool: SimVm;
let rocks: RocksServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-check-vm-"));
  [pool, rocks] = await Promise.all([startSimVm(dir, "127.96"), startRocksServer({ rocks: ["alpha", "ailing"] })]);
  Object.assign(SECRETS, { BIOXEN_CHECK_TEST_POOL_PASSWORD: pool.sim.password, BIOXEN_CHECK_TEST_SSH_KEY: pool.privateKey });
  // The guests are this machine's sshd: install into a tree of this test, never the user's own.
  const onVm = new LuaRocks(pool.vm.target, { tree: { path: vmTree() }, servers: [rocks.url], env: { HOME: dir } });
  for (const rock of ["alpha", "ailing"]) await onVm.install(rock, { version: "1.0-1" });
}, 240_000);

afterAll(async () => {
  await pool?.vm.destroy();
  await pool?.env.stop();
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
    `  sim: { url: "${pool.sim.url}", username: "${pool.sim.username}", password: { env: BIOXEN_CHECK_TEST_POOL_PASSWORD } }`,
    "vms:",
    "  lab:",
    "    connection: sim",
    `    template: "${TEMPLATES.cloneReady}"`,
    `    count: ${count}`,
    `    networks: [{ poolNetwork: "${SEEDED.managementNetwork}" }]`,
    `    ssh: { user: "${pool.username}", port: ${pool.sshPort}, privateKey: { env: BIOXEN_CHECK_TEST_SSH_KEY } }`,
    `    packages: [${packages.map((name) => `{ name: ${name}, version: "1.0-1", tree: "${vmTree()}" }`).join(", ")}]`,
    "",
  ].join("\n"));
  return path;
}

/** Runs `bioxen-luavm check` (the built bin/), luarocks' cache in this test's folder. */
function checkCli(path: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runBin(["check", path], { ...SECRETS, HOME: dir }, 180_000);
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
