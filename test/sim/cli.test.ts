import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, TEMPLATES } from "../../sim";
import { descendantPids } from "../../sim/sshd/process-tree";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd } from "../support/sshd";
import { login, ok } from "./raw";

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
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
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
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exitOf(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the CLI in ONE node process (so a signal reaches the simulator itself) and reads its ready line. */
  async function startCli(extraArgs: readonly string[] = []): Promise<{ cli: ChildProcess; ready: { url: string; username: string; password: string }; stderr: () => string }> {
    const keys = join(dir, "authorized_keys");
    writeFileSync(keys, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVzaW11bGF0b3ItdGVzdC1rZXktbm90LXJlYWwtMDAwMA cli-test\n");
    const cli = spawn(process.execPath, ["--import", "tsx", SIM_CLI, "--boot-delay", "20", "--authorized-keys", keys, ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
    child = cli;
    let stderr = "";
    cli.stderr!.on("data", (chunk) => (stderr += chunk));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: cli.stdout! }).once("line", resolve);
      cli.once("exit", (code) => reject(new Error(`CLI exited ${code} before printing: ${stderr}`)));
    });
    return { cli, ready: JSON.parse(first), stderr: () => stderr };
  }

  /** Clones, starts and waits for one guest; its SSH address. */
  async function bootGuest(ready: { url: string; username: string; password: string }): Promise<string> {
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
    return address;
  }

  /** The sshd masters below `pid` with the folder each was started from (`-f <dir>/sshd_config`, also in sshd's process title). */
  function sshdsBelow(pid: number): Array<{ pid: number; dir: string }> {
    return descendantPids(pid).flatMap((p) => {
      const config = /(?:^|\s|\0)-f(?:\s|\0)(\S+?)\/sshd_config/.exec(readFileSync(`/proc/${p}/cmdline`, "utf8"))?.[1];
      return config ? [{ pid: p, dir: config }] : [];
    });
  }

  it("prints one JSON line when ready, serves XAPI with real guests, and stops every sshd on SIGTERM", async () => {
    const { cli, ready, stderr } = await startCli();
    expect(ready).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), username: "root", password: expect.any(String) });
    expect(ready.password.length).toBeGreaterThanOrEqual(16);
    const address = await bootGuest(ready);

    cli.kill("SIGTERM");
    expect(await exitOf(cli)).toBe(0);
    expect(stderr()).toContain("stopping");
    expect(await accepts(address, 2222)).toBe(false);
    expect(await accepts(new URL(ready.url).hostname, Number(new URL(ready.url).port))).toBe(false);
  });

  it("--forward-to: a started guest's address leads to that one sshd (no sshd per guest)", async () => {
    const sshd = await startTestSshd();
    try {
      const { cli, ready } = await startCli(["--forward-to", `${sshd.host}:${sshd.port}`, "--address-base", "127.93"]);
      const address = await bootGuest(ready);
      expect(address).toMatch(/^127\.93\./);
      expect(sshdsBelow(cli.pid!)).toEqual([]);
      const guest = sshTarget(sshTargetOptions(sshd, { host: address, port: 2222 }));
      expect((await guest.exec(["printf", "%s", "through the guest"])).stdout).toBe("through the guest");
      cli.kill("SIGTERM");
      expect(await exitOf(cli)).toBe(0);
      expect(await accepts(address, 2222)).toBe(false);
    } finally {
      await closeAllSshConnections();
      await sshd.stop();
    }
  });

  it("leaves no guest sshd, session or sshd folder (with its host key) behind when it is SIGKILLed", async () => {
    const { cli, ready } = await startCli();
    const address = await bootGuest(ready);
    const sshds = sshdsBelow(cli.pid!);
    expect(sshds.length).toBeGreaterThan(0);
    // The guest host's folder holds every guest's area and host key; the sshd folders are inside it.
    const folders = [...new Set(sshds.flatMap((s) => [s.dir, dirname(dirname(s.dir))]))];
    for (const folder of folders) expect(existsSync(folder)).toBe(true);

    cli.kill("SIGKILL");
    await exitOf(cli);
    // The watchdogs notice at once; the deadline is a ceiling for a loaded machine.
    const deadline = Date.now() + 20_000;
    const left = () => [...sshds.filter((s) => existsSync(`/proc/${s.pid}`)).map((s) => `sshd ${s.pid}`), ...folders.filter((f) => existsSync(f))];
    while (left().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(left()).toEqual([]);
    expect(await accepts(address, 2222)).toBe(false);
  });
});
