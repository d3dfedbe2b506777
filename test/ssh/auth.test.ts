import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, utils } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sha256Fingerprint, sshTarget, SshError, type SshTargetOptions } from "../../sdk/ssh";
import { freePort, startTestSshd, type TestSshd } from "../support/sshd";
import { generateClientKeyPair } from "../support/client-key";

let sshd: TestSshd;
let dir: string;
let agent: ChildProcess | undefined;

beforeAll(async () => {
  sshd = await startTestSshd({ encryptedKey: true });
  dir = mkdtempSync(join(tmpdir(), "bioxen-auth-"));
});
afterAll(async () => {
  await closeAllSshConnections();
  agent?.kill("SIGTERM");
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const target = (auth: Partial<SshTargetOptions>) =>
  sshTarget({ host: sshd.host, port: sshd.port, username: sshd.username, hostKey: { fingerprint: sshd.hostKeyFingerprint }, dialTimeoutMs: 10_000, ...auth });

async function whoami(auth: Partial<SshTargetOptions>): Promise<string> {
  return (await target(auth).exec(["id", "-un"])).stdout.trim();
}

describe("key authentication against OpenSSH", () => {
  it("logs in with key content, a key file and an encrypted key plus passphrase", async () => {
    expect(await whoami({ privateKey: sshd.privateKey })).toBe(sshd.username);
    expect(await whoami({ privateKeyPath: sshd.privateKeyPath })).toBe(sshd.username);
    expect(await whoami({ privateKey: sshd.encryptedPrivateKey, passphrase: sshd.passphrase })).toBe(sshd.username);
  });

  it("rejects an encrypted key with a wrong passphrase before dialling, without echoing it", async () => {
    const error = await target({ privateKey: sshd.encryptedPrivateKey, passphrase: "wrong-passphrase-123" }).exec(["true"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).reason).toBe("KEY_INVALID");
    expect((error as SshError).message).not.toContain("wrong-passphrase-123");
  });

  it("fails at once with AUTH_FAILED for a key the server does not accept (no retries)", async () => {
    const stranger = join(dir, "stranger");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger]);
    const error = await target({ privateKeyPath: stranger, dialTimeoutMs: 600_000 }).exec(["true"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).reason).toBe("AUTH_FAILED");
    expect((error as SshError).message).toContain(`authentication failed for ${sshd.username}@${sshd.host}:${sshd.port} (tried publickey)`);
  });

  it("logs in through ssh-agent", async () => {
    const socket = join(dir, "agent.sock");
    agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 25));
    execFileSync("ssh-add", ["-q", sshd.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "ignore" });
    expect(await whoami({ agent: socket })).toBe(sshd.username);
  });
});

describe("password authentication", () => {
  // OpenSSH with UsePAM no checks /etc/shadow, and giving root a Unix password on a CI box is not
  // acceptable, so password auth is exercised against ssh2's own (real, unmocked) server.
  let server: Server;
  let port: number;
  const hostKey = generateClientKeyPair();
  const hostFingerprint = sha256Fingerprint((utils.parseKey(hostKey.public) as { getPublicSSH(): Buffer }).getPublicSSH());

  beforeAll(async () => {
    port = await freePort();
    server = new Server({ hostKeys: [hostKey.private] }, (client) => {
      client.on("authentication", (ctx) => {
        if (ctx.method === "password" && ctx.username === "tester" && ctx.password === "correct horse") ctx.accept();
        else ctx.reject(["password"]);
      });
      client.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await closeAllSshConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const passwordTarget = (password: string) =>
    sshTarget({ host: "127.0.0.1", port, username: "tester", password, hostKey: { fingerprint: hostFingerprint }, dialTimeoutMs: 10_000 });

  it("logs in with the right password", async () => {
    expect(await passwordTarget("correct horse").hostKeyFingerprint()).toBe(hostFingerprint);
  });

  it("reports AUTH_FAILED (tried password) without the password in the message", async () => {
    const error = await passwordTarget("hunter2-wrong").hostKeyFingerprint().catch((e: unknown) => e);
    expect((error as SshError).reason).toBe("AUTH_FAILED");
    expect((error as SshError).message).toContain("(tried password)");
    expect((error as SshError).message).not.toContain("hunter2-wrong");
  });
});
