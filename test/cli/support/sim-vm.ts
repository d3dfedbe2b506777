/**
 * For CLI tests against a VM: a simulator pool whose guests are this machine's real sshd, with a
 * fresh key pair, one VM `lab-0` made by the SDK, and the built command run as a child process.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { createVm, type LuaVM } from "../../../sdk/vm";
import { SEEDED, TEMPLATES, type Simulator } from "../../../sim";
import { generateEd25519KeyFiles } from "../../../sim/sshd/keys";
import { startTestSim, type TestSim } from "../../support/sim";
import { freePort } from "../../support/sshd";
import { REPO_ROOT } from "./tmux";

/** The running pool, its VM and how to log in to its guests. */
export interface SimVm {
  env: TestSim;
  sim: Simulator;
  vm: LuaVM;
  privateKey: string;
  sshPort: number;
  username: string;
}

/** Starts the pool (guest addresses `<addressBase>.x.y`, unique per test file) and makes VM `lab-0`; the key files go into `dir`. */
export async function startSimVm(dir: string, addressBase: string): Promise<SimVm> {
  const key = await generateEd25519KeyFiles(join(dir, "id_ed25519"), "cli-vm-test");
  const [privateKey, sshPort] = await Promise.all([readFile(key.privateKeyPath, "utf8"), freePort()]);
  const env = await startTestSim({ guest: { authorizedKeys: [key.publicKey], sshPort, bootDelayMs: 100, addressBase } });
  const username = userInfo().username;
  const ssh = { username, privateKey, port: sshPort };
  const vm = await createVm("lab-0", { type: "xcpng", connection: { client: env.client }, template: TEMPLATES.cloneReady, networks: [{ network: SEEDED.managementNetwork }], ssh, timeouts: { createMs: 60_000, readyMs: 60_000, deleteMs: 60_000 } });
  return { env, sim: env.sim, vm, privateKey, sshPort, username };
}

/**
 * Runs `bioxen-luavm <args>` (the built bin/) to its end, asynchronously (the simulator it talks
 * to runs in this process), stdin closed at once.
 */
export function runBin(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const options = { cwd: REPO_ROOT, encoding: "utf8" as const, env: { ...process.env, ...env }, timeout: timeoutMs };
  return new Promise((done) => {
    const child = execFile(process.execPath, ["bin/bioxen-luavm.js", ...args], options, (error, stdout, stderr) => done({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }));
    child.stdin?.end();
  });
}
