import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuestHost, type SimGuestHost } from "../../sim/guest";
import { guestProcessIds } from "../../sim/guest/guest-processes";
import { makeSshClient, type SshClient } from "./ssh-client";
import { writeTinyRock } from "./tiny-rock";

const PORT = 2222;
const BOOT_DELAY_MS = 200;
let client: SshClient;
let host: SimGuestHost;
let sources: string;
const running: ChildProcess[] = [];

/** A metrics listener that remembers every report and resolves `next()` on the following one. */
function recorder() {
  const reports: Record<string, string>[] = [];
  let waiters: ((r: Record<string, string>) => void)[] = [];
  return {
    reports,
    listener: (networks: Record<string, string>) => {
      reports.push(networks);
      const current = waiters;
      waiters = [];
      current.forEach((w) => w(networks));
    },
    next: () => new Promise<Record<string, string>>((resolve) => waiters.push(resolve)),
  };
}

/** Pids whose command line mentions `text` (an sshd started with a config under our root dir). */
function processesMentioning(text: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Whether a TCP connection to address:port is refused (nothing listens). */
function refused(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

function ssh(vm: string, command: string, device = "0") {
  return client.run(host.address(vm, device)!, PORT, host.knownHosts(vm), command);
}

beforeAll(async () => {
  client = await makeSshClient();
  host = createGuestHost({ authorizedKeys: [client.publicKey], bootDelayMs: BOOT_DELAY_MS, addressBase: "127.78" });
  sources = await mkdtemp(path.join(tmpdir(), "bioxen-guest-rock-"));
  await writeTinyRock(sources, "tinyguest", "hello from guest A");
});

afterAll(async () => {
  for (const child of running) child.kill();
  await host?.dispose();
  await client?.remove();
  await rm(sources, { recursive: true, force: true });
});

describe("simulated guests", () => {
  const a = recorder();
  const b = recorder();

  it("gives each guest its own addresses and host key, reachable with strict host key checking", async () => {
    await host.start({ vmUuid: "vm-a", nics: [{ device: "0", networkUuid: "net-0" }], hasGuestTools: true }, a.listener);
    expect(a.reports).toEqual([]); // the boot delay starts once sshd serves
    const nics = [{ device: "0", networkUuid: "net-0" }, { device: "1", networkUuid: "net-1" }];
    await host.start({ vmUuid: "vm-b", nics, hasGuestTools: true }, b.listener);
    const addresses = [host.address("vm-a", "0"), host.address("vm-b", "0"), host.address("vm-b", "1")];
    expect(new Set(addresses).size).toBe(3);
    for (const address of addresses) expect(address).toMatch(/^127\.78\.\d+\.\d+$/);
    expect(host.hostKeyFingerprint("vm-a")).toMatch(/^SHA256:/);
    expect(host.hostKeyFingerprint("vm-a")).not.toBe(host.hostKeyFingerprint("vm-b"));

    const fromA = await ssh("vm-a", 'echo "$HOME"');
    expect(fromA.stdout.trim()).toBe(path.join(host.areaDir("vm-a"), "home"));
    expect((await ssh("vm-b", "pwd", "1")).stdout.trim()).toBe(path.join(host.areaDir("vm-b"), "home"));
    // A's address with B's key pinned: the client must refuse.
    const wrongKey = await client.run(host.address("vm-a", "0")!, PORT, host.knownHosts("vm-b").replace(
      host.address("vm-b", "0")!, host.address("vm-a", "0")!), "true");
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it("reports metrics after the boot delay, keyed as xapi spells them", async () => {
    const reportA = a.reports[0] ?? (await a.next());
    const reportB = b.reports[0] ?? (await b.next());
    const ipA = host.address("vm-a", "0")!;
    expect(reportA).toEqual({ "0/ip": ipA, "0/ipv4/0": ipA });
    const [b0, b1] = [host.address("vm-b", "0")!, host.address("vm-b", "1")!];
    expect(reportB).toEqual({ "0/ip": b0, "0/ipv4/0": b0, "1/ip": b1, "1/ipv4/0": b1 });
  });

  it("never reports metrics for a guest without guest tools, though it boots", async () => {
    const silent = recorder();
    const witness = recorder();
    // Same delay, started first: its timer is due before the witness's.
    await host.start({ vmUuid: "vm-silent", nics: [{ device: "0", networkUuid: "n" }], hasGuestTools: false }, silent.listener);
    expect(silent.reports).toEqual([]);
    await host.start({ vmUuid: "vm-witness", nics: [{ device: "0", networkUuid: "n" }], hasGuestTools: true }, witness.listener);
    await witness.next();
    expect(silent.reports).toEqual([]);
    expect((await ssh("vm-silent", "echo up")).stdout).toBe("up\n");
    await host.destroy("vm-silent");
    await host.destroy("vm-witness");
  });

  it("keeps files and rocks of one guest out of the other guest and out of /usr/local; sftp works", async () => {
    const upload = await client.sftp(host.address("vm-a", "0")!, PORT, host.knownHosts("vm-a"), [
      "mkdir src",
      `put ${sources}/tinyguest.lua src/tinyguest.lua`,
      `put ${sources}/tinyguest-1.0-1.rockspec src/tinyguest-1.0-1.rockspec`,
      "ls src",
    ].join("\n"));
    expect(upload.code).toBe(0);
    expect(existsSync(path.join(host.areaDir("vm-a"), "home/src/tinyguest.lua"))).toBe(true);

    const install = await ssh("vm-a", "echo secret > note.txt && cd src && luarocks --lua-version 5.4 make tinyguest-1.0-1.rockspec");
    expect(install.code).toBe(0);
    const probe = `lua5.4 -e 'print(require("tinyguest").hello)'`;
    expect((await ssh("vm-a", probe)).stdout).toBe("hello from guest A\n");
    const inB = await ssh("vm-b", `${probe}; test -e note.txt && echo note-visible`);
    expect(inB.stderr).toContain("module 'tinyguest' not found");
    expect(inB.stdout).not.toContain("note-visible");
    expect(existsSync("/usr/local/share/lua/5.4/tinyguest.lua")).toBe(false);
  });

  it("lets LuaSocket programs in two guests talk over their network addresses", async () => {
    const serverAddress = host.address("vm-b", "1")!;
    const server = await client.spawn(serverAddress, PORT, host.knownHosts("vm-b"), "lua5.4 -", [
      'local socket = require("socket")',
      `local server = assert(socket.bind("${serverAddress}", 0))`,
      "local _, port = server:getsockname()",
      "print(port) io.stdout:flush()",
      "server:settimeout(20)",
      "local peer = assert(server:accept())",
      "peer:settimeout(20)",
      'peer:send(assert(peer:receive("*l")) .. " back\\n")',
      "peer:close()",
    ].join("\n"));
    running.push(server);
    const serverPort = await new Promise<string>((resolve, reject) => {
      server.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      server.once("exit", (code) => reject(new Error(`server ssh exited ${code}`)));
    });
    const reply = await client.run(host.address("vm-a", "0")!, PORT, host.knownHosts("vm-a"), "lua5.4 -", [
      'local socket = require("socket")',
      `local peer = assert(socket.connect("${serverAddress}", ${serverPort}))`,
      "peer:settimeout(20)",
      'peer:send("ping\\n")',
      'print((peer:receive("*l")))',
    ].join("\n"));
    expect(reply.stdout).toBe("ping back\n");
  });

  it("hot-plugs a NIC: a new address with the same host key, reported again; unplug closes it", async () => {
    const fingerprint = host.hostKeyFingerprint("vm-a");
    const replug = a.next();
    await host.plugNic("vm-a", { device: "1", networkUuid: "net-1" }, a.listener);
    const a1 = host.address("vm-a", "1")!;
    expect((await replug)["1/ip"]).toBe(a1);
    expect(host.hostKeyFingerprint("vm-a")).toBe(fingerprint);
    expect((await ssh("vm-a", "cat note.txt", "1")).stdout).toBe("secret\n");

    const unplugged = a.next();
    await host.unplugNic("vm-a", "1");
    expect(await unplugged).not.toHaveProperty("1/ip");
    expect(host.address("vm-a", "1")).toBeUndefined();
    expect(await refused(a1, PORT)).toBe(true);
  });

  it("stop closes the port and kills the guest's processes; a restart keeps area and host key", async () => {
    const address = host.address("vm-a", "0")!;
    const fingerprint = host.hostKeyFingerprint("vm-a");
    const daemon = await ssh("vm-a", "nohup sleep 600 >/dev/null 2>&1 & echo $!");
    expect(guestProcessIds(host.areaDir("vm-a"))).toContain(Number(daemon.stdout.trim()));

    await host.stop("vm-a");
    expect(host.address("vm-a", "0")).toBeUndefined();
    expect(await refused(address, PORT)).toBe(true);
    expect(guestProcessIds(host.areaDir("vm-a"))).toEqual([]);

    const again = recorder();
    await host.start({ vmUuid: "vm-a", nics: [{ device: "0", networkUuid: "net-0" }], hasGuestTools: true }, again.listener);
    expect(host.hostKeyFingerprint("vm-a")).toBe(fingerprint);
    expect(host.address("vm-a", "0")).toBe(address); // its lease: the same address when it is free
    const after = await ssh("vm-a", `cat note.txt; lua5.4 -e 'print(require("tinyguest").hello)'`);
    expect(after.stdout).toBe("secret\nhello from guest A\n");
  });

  it("a restarted guest gets a new address when its old one is taken or its lease expired, and keeps that one", async () => {
    const restart = async () => {
      await host.stop("vm-a");
      await host.start({ vmUuid: "vm-a", nics: [{ device: "0", networkUuid: "net-0" }], hasGuestTools: true }, () => {});
      return host.address("vm-a", "0")!;
    };
    const first = host.address("vm-a", "0")!;
    await host.stop("vm-a");
    const squatter = net.createServer();
    await new Promise<void>((resolve, reject) => squatter.once("error", reject).listen({ host: first, port: PORT }, resolve));
    try {
      await host.start({ vmUuid: "vm-a", nics: [{ device: "0", networkUuid: "net-0" }], hasGuestTools: true }, () => {});
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    const moved = host.address("vm-a", "0")!;
    expect(moved).not.toBe(first);
    expect((await ssh("vm-a", "cat note.txt")).stdout).toBe("secret\n");
    expect(await restart()).toBe(moved); // the lease moved with it

    host.expireLeases("vm-a");
    expect(host.address("vm-a", "0")).toBe(moved); // running NICs keep their address
    const fresh = await restart();
    expect([first, moved]).not.toContain(fresh);
    expect((await ssh("vm-a", "cat note.txt")).stdout).toBe("secret\n");
  });

  it("destroy removes the area; dispose stops every guest and removes every file", async () => {
    await host.destroy("vm-b");
    expect(existsSync(host.areaDir("vm-b"))).toBe(false);
    const address = host.address("vm-a", "0")!;
    const rootDir = host.rootDir;
    const areaA = host.areaDir("vm-a");
    expect(processesMentioning(rootDir).length).toBeGreaterThan(0);
    await host.dispose();
    expect(existsSync(rootDir)).toBe(false);
    expect(processesMentioning(rootDir)).toEqual([]);
    expect(await refused(address, PORT)).toBe(true);
    expect(guestProcessIds(areaA)).toEqual([]);
    await expect(host.start({ vmUuid: "vm-c", nics: [], hasGuestTools: true }, () => {})).rejects.toThrow(/disposed/);
  });
});

describe("guest host with a given rootDir", () => {
  let rootDir: string;
  let given: SimGuestHost | undefined;

  beforeAll(async () => {
    rootDir = await mkdtemp(path.join(tmpdir(), "bioxen-guest-root-"));
    await writeFile(path.join(rootDir, "not-ours.txt"), "kept");
  });

  afterAll(async () => {
    await given?.dispose();
    await rm(rootDir, { recursive: true, force: true });
  });

  it("refuses a second start and duplicate devices, and on dispose removes only what it made", async () => {
    given = createGuestHost({ rootDir, authorizedKeys: [client.publicKey], bootDelayMs: 0, addressBase: "127.78" });
    const nic = { device: "0", networkUuid: "n" };
    await expect(given.start({ vmUuid: "vm-d", nics: [nic, nic], hasGuestTools: true }, () => {})).rejects.toThrow(
      /duplicate VIF devices/,
    );
    await given.start({ vmUuid: "vm-d", nics: [nic], hasGuestTools: true }, () => {});
    await expect(given.start({ vmUuid: "vm-d", nics: [nic], hasGuestTools: true }, () => {})).rejects.toThrow(
      /already running/,
    );
    expect(given.areaDir("vm-d")).toBe(path.join(rootDir, "vm-d"));
    await given.dispose();
    expect(await readdir(rootDir)).toEqual(["not-ours.txt"]);
  });
});
