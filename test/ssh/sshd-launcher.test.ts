import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshTarget, type SshTargetOptions } from "../../sdk/ssh";
import { startSshd } from "../../sim/sshd/launcher";
import { generateEd25519KeyFiles } from "../../sim/sshd/keys";
import { probeSshBanner } from "../../sim/sshd/ready";
import { freePort, startTestSshd, type TestSshd } from "../support/sshd";

let dir: string;
const stoppers: Array<() => Promise<void>> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-launcher-"));
});
afterAll(async () => {
  await closeAllSshConnections();
  await Promise.all(stoppers.map((stop) => stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function fixture(options: Parameters<typeof startTestSshd>[0] = {}): Promise<TestSshd> {
  const sshd = await startTestSshd(options);
  stoppers.push(() => sshd.stop());
  return sshd;
}

const targetFor = (sshd: TestSshd, extra: Partial<SshTargetOptions> = {}) =>
  sshTarget({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, hostKey: { knownHostsPath: sshd.knownHostsPath }, ...extra });

function processesMatching(marker: string): string {
  try {
    return execFileSync("pgrep", ["-af", marker]).toString();
  } catch {
    return "";
  }
}

describe("startSshd", () => {
  it("reports the host key fingerprint exactly as ssh-keygen -l prints it, and known_hosts lines", async () => {
    const sshd = await fixture();
    const printed = execFileSync("ssh-keygen", ["-l", "-f", join(sshd.sshd.dir, "ssh_host_ed25519_key.pub")]).toString();
    expect(printed.split(" ")[1]).toBe(sshd.hostKeyFingerprint);
    expect(sshd.sshd.knownHostsLines).toEqual([`[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}`]);
  });

  it("stop() ends sshd and the sessions it started, and removes its files", async () => {
    const sshd = await startTestSshd();
    const marker = `bioxen-launcher-stop-${process.pid}`;
    const child = await targetFor(sshd).spawn(["sh", "-c", 'sleep 600; : "$0"', marker]);
    for (let i = 0; i < 100 && processesMatching(marker) === ""; i++) await new Promise((r) => setTimeout(r, 20));
    expect(processesMatching(marker)).not.toBe("");
    await sshd.stop();
    await child.exited;
    expect(processesMatching(marker)).toBe("");
    expect(existsSync(sshd.sshd.dir)).toBe(false);
    expect(await probeSshBanner(sshd.host, sshd.port, 1_000)).toBe(false);
  });

  it("listens on several loopback addresses", async () => {
    const sshd = await fixture();
    const port = await freePort("127.0.0.2");
    const handle = await startSshd({ addresses: ["127.0.0.2", "127.0.0.3"], port, authorizedKeys: [sshd.publicKey] });
    stoppers.push(() => handle.stop());
    for (const host of handle.addresses) {
      const result = await sshTarget({ host, port, username: sshd.username, privateKey: sshd.privateKey, hostKey: { fingerprint: handle.hostKeyFingerprint } }).exec(["echo", host]);
      expect(result.stdout).toBe(`${host}\n`);
    }
  });

  it("fails with sshd's own log when it cannot start", async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startSshd({ addresses: ["127.0.0.1"], port, authorizedKeys: [], startDeadlineMs: 10_000 })).rejects.toThrow(/Address already in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("runs sessions through a ForceCommand wrapper with SetEnv, and SDK kill/SFTP still work through it", async () => {
    const wrapper = join(dir, "wrapper.sh");
    writeFileSync(wrapper, '#!/bin/sh\nexport WRAPPED=yes\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n');
    chmodSync(wrapper, 0o755);
    const sshd = await fixture({ forceCommand: wrapper, setEnv: { BIOXEN_VM: "vm-1" } });
    const target = targetFor(sshd);
    expect((await target.exec(["sh", "-c", 'echo "$WRAPPED $BIOXEN_VM"'])).stdout).toBe("yes vm-1\n");
    const marker = `bioxen-launcher-wrapped-${process.pid}`;
    const timedOut = await target.exec(["sh", "-c", 'sleep 600 & sleep 601; : "$0"', marker], { deadline: 300 });
    expect(timedOut.timedOut).toBe(true);
    expect(processesMatching(marker)).toBe("");
    const file = join(dir, "via-sftp.txt");
    await target.writeFile(file, "through the wrapper");
    expect(readFileSync(file, "utf8")).toBe("through the wrapper");
  });
});

describe("startSshd with a caller's host key", () => {
  it("serves that key, describes it in the handle, and leaves it in place on stop", async () => {
    const client = await fixture();
    const key = await generateEd25519KeyFiles(join(dir, "own_host_key"), "caller-owned");
    const port = await freePort();
    const handle = await startSshd({ addresses: ["127.0.0.1"], port, authorizedKeys: [client.publicKey], hostKeyPath: key.privateKeyPath });
    stoppers.push(() => handle.stop());
    expect(handle.hostKeyFingerprint).toBe(key.fingerprint);
    expect(handle.hostPublicKey.split(" ").slice(0, 2)).toEqual(key.publicKey.split(" ").slice(0, 2));
    expect(handle.knownHostsLines).toEqual([`[127.0.0.1]:${port} ${handle.hostPublicKey}`]);
    const pinned = sshTarget({ host: "127.0.0.1", port, username: client.username, privateKey: client.privateKey, hostKey: { fingerprint: key.fingerprint } });
    expect((await pinned.exec(["echo", "pinned"])).stdout).toBe("pinned\n");
    await handle.stop();
    expect(existsSync(key.privateKeyPath)).toBe(true);
    expect(existsSync(handle.dir)).toBe(false);
  });

  it("refuses a key it cannot read, naming the path", async () => {
    const missing = join(dir, "no-such-key");
    await expect(startSshd({ addresses: ["127.0.0.1"], port: await freePort(), authorizedKeys: [], hostKeyPath: missing })).rejects.toThrow(missing);
  });
});

describe("startSshd sessions and ~/.bashrc", () => {
  // HOME (set through SetEnv) points bash at an rc file that leaves a mark when sourced.
  async function bashrcSourced(setEnv: Record<string, string>): Promise<boolean> {
    const home = mkdtempSync(join(dir, "home-"));
    const mark = join(home, "sourced");
    writeFileSync(join(home, ".bashrc"), `touch '${mark}'\n`);
    const sshd = await fixture({ setEnv: { HOME: home, ...setEnv } });
    await targetFor(sshd).exec(["true"]);
    return existsSync(mark);
  }

  it("keeps sessions from sourcing the login user's ~/.bashrc by default", async () => {
    expect(await bashrcSourced({})).toBe(false);
  });

  it("lets the caller's SetEnv override that default (which shows the check above can fail)", async () => {
    expect(await bashrcSourced({ SHLVL: "0" })).toBe(true);
  });
});
