import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, TEMPLATES } from "../../sim";
import { login, ok } from "./raw";

const TSX_CLI = join(__dirname, "../../node_modules/tsx/dist/cli.mjs");
const SIM_CLI = join(__dirname, "../../sim/cli.ts");

/** Whether something accepts TCP connections at host:port right now. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

describe("bioxen-luavm-sim CLI", () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bioxen-sim-cli-"));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
      await exitOf(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints one JSON line when ready, serves XAPI with real guests, and stops every sshd on SIGTERM", async () => {
    const keys = join(dir, "authorized_keys");
    writeFileSync(keys, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVzaW11bGF0b3ItdGVzdC1rZXktbm90LXJlYWwtMDAwMA cli-test\n");
    child = spawn(process.execPath, [TSX_CLI, SIM_CLI, "--boot-delay", "20", "--authorized-keys", keys], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child!.once("exit", (code) => reject(new Error(`CLI exited ${code} before printing: ${stderr}`)));
    });
    const ready = JSON.parse(first);
    expect(ready).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), username: "root", password: expect.any(String) });
    expect(ready.password.length).toBeGreaterThanOrEqual(16);

    const s = await login(ready);
    const [tpl] = await ok(ready.url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    const [net] = await ok(ready.url, "network.get_by_name_label", [s, SEEDED.managementNetwork]);
    const vm = await ok(ready.url, "VM.clone", [s, tpl, "cli-guest"]);
    await ok(ready.url, "VM.set_is_a_template", [s, vm, false]);
    const vif = { device: "0", network: net, VM: vm, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} };
    await ok(ready.url, "VIF.create", [s, vif]);
    await ok(ready.url, "VM.start", [s, vm, false, false]);
    let token = "";
    let metrics = "OpaqueRef:NULL";
    for (let round = 0; metrics === "OpaqueRef:NULL" && round < 20; round += 1) {
      token = (await ok(ready.url, "event.from", [s, [`vm/${vm}`], token, 10])).token;
      metrics = await ok(ready.url, "VM.get_guest_metrics", [s, vm]);
    }
    const address = (await ok(ready.url, "VM_guest_metrics.get_networks", [s, metrics]))["0/ip"];
    expect(address).toMatch(/^127\./);
    expect(await accepts(address, 2222)).toBe(true);

    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
    expect(stderr).toContain("stopping");
    expect(await accepts(address, 2222)).toBe(false);
    expect(await accepts(new URL(ready.url).hostname, Number(new URL(ready.url).port))).toBe(false);
  });
});
