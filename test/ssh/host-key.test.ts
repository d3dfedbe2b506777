import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshTarget, SshError, type HostKeyPolicy } from "../../sdk/ssh";
import { startTestSshd, type TestSshd } from "../support/sshd";

let sshd: TestSshd;
let dir: string;
const OTHER_FINGERPRINT = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

beforeAll(async () => {
  sshd = await startTestSshd();
  dir = mkdtempSync(join(tmpdir(), "bioxen-hostkey-"));
});
afterAll(async () => {
  await closeAllSshConnections();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const target = (hostKey: HostKeyPolicy) =>
  sshTarget({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, hostKey, dialTimeoutMs: 10_000 });

async function refusal(hostKey: HostKeyPolicy): Promise<SshError> {
  const error = await target(hostKey).exec(["true"]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SshError);
  return error as SshError;
}

function knownHosts(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("host key verification", () => {
  it("accepts the pinned fingerprint", async () => {
    const result = await target({ fingerprint: sshd.hostKeyFingerprint }).exec(["echo", "pinned"]);
    expect(result.stdout).toBe("pinned\n");
  });

  it("refuses a mismatching pin and shows the offered and expected fingerprints", async () => {
    const error = await refusal({ fingerprint: OTHER_FINGERPRINT });
    expect(error.reason).toBe("HOST_KEY_MISMATCH");
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(error.message).toContain(OTHER_FINGERPRINT);
  });

  it("refuses a host that known_hosts does not list (HOST_KEY_UNKNOWN with the offered fingerprint)", async () => {
    const error = await refusal({ knownHostsPath: knownHosts("empty", `[127.0.0.1]:1 ${sshd.hostPublicKey}\n`) });
    expect(error.reason).toBe("HOST_KEY_UNKNOWN");
    expect(error.message).toContain(sshd.hostKeyFingerprint);
  });

  it("refuses a different key listed for the host in known_hosts", async () => {
    const other = join(dir, "other");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    const otherLine = execFileSync("cat", [`${other}.pub`]).toString().trim();
    const error = await refusal({ knownHostsPath: knownHosts("wrong", `[${sshd.host}]:${sshd.port} ${otherLine}\n`) });
    expect(error.reason).toBe("HOST_KEY_MISMATCH");
    expect(error.message).toContain(sshd.hostKeyFingerprint);
  });

  it("accepts plain [host]:port and hashed known_hosts entries", async () => {
    expect((await target({ knownHostsPath: sshd.knownHostsPath }).exec(["echo", "plain"])).stdout).toBe("plain\n");
    const hashed = knownHosts("hashed", `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", hashed], { stdio: "ignore" });
    expect((await target({ knownHostsPath: hashed }).exec(["echo", "hashed"])).stdout).toBe("hashed\n");
  });

  it("trust-on-first-use connects only when asked and reports the accepted fingerprint", async () => {
    expect(await target({ trustOnFirstUse: true }).hostKeyFingerprint()).toBe(sshd.hostKeyFingerprint);
  });

  it("requires a host key policy", () => {
    expect(() => target(undefined as unknown as HostKeyPolicy)).toThrow(/hostKey is required/);
    expect(() => target({ fingerprint: "md5:aa" })).toThrow(/not a SHA256/);
  });
});
