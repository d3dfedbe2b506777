import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/support/free-port";
import { startSshd, type SshdHandle, type SshdOptions } from "../../sim/sshd/launcher";
import { generateEd25519KeyFiles } from "../../sim/sshd/keys";

/** Options for {@link startTestSshd}. */
export interface TestSshdOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Fixed port; default: a free one. */
  port?: number;
  /** Also create a passphrase-protected client key (and authorize it). */
  encryptedKey?: boolean;
  /** Extra public key lines to authorize. */
  extraAuthorizedKeys?: readonly string[];
  /** Passed through to startSshd (which already keeps sessions from sourcing ~/.bashrc). */
  maxSessions?: number;
  forceCommand?: string;
  setEnv?: Readonly<Record<string, string>>;
  passwordAuthentication?: boolean;
}

/** A real sshd for tests, plus client credentials that it accepts. */
export interface TestSshd {
  host: string;
  port: number;
  /** The current OS user (sshd can only log that user in when not run as root). */
  username: string;
  /** Unencrypted ed25519 private key, OpenSSH format. */
  privateKey: string;
  /** Path of that private key on disk. */
  privateKeyPath: string;
  publicKey: string;
  /** Passphrase-protected private key (when `encryptedKey` was asked for). */
  encryptedPrivateKey?: string;
  encryptedPrivateKeyPath?: string;
  passphrase?: string;
  hostKeyFingerprint: string;
  hostPublicKey: string;
  /** A known_hosts file holding this server's "[host]:port key" line. */
  knownHostsPath: string;
  /** The underlying launcher handle (log, pid, dir). */
  sshd: SshdHandle;
  /** Stops sshd (and its sessions) and removes every file the fixture made. */
  stop(): Promise<void>;
}

/**
 * LuaRocks takes USER=root for "superuser" and then caches downloads in this machine's
 * /var/cache/luarocks whatever HOME says; tests logged in as root keep their cache in their HOME.
 */
const NOT_LUAROCKS_SUPERUSER: Readonly<Record<string, string>> = userInfo().username === "root" ? { USER: "bioxen-test-root" } : {};

/** Picks a port that is free right now on `host` (the kernel chooses it); the examples' helper, re-exported for the suites. */
export { freePort };

/** Starts a real OpenSSH sshd on loopback that accepts freshly generated client keys. */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const host = options.host ?? "127.0.0.1";
  const dir = await mkdtemp(join(tmpdir(), "bioxen-sshd-client-"));
  try {
    const plain = await generateEd25519KeyFiles(join(dir, "id_ed25519"), "bioxen-test");
    const passphrase = options.encryptedKey ? randomBytes(12).toString("hex") : undefined;
    const encrypted = passphrase
      ? await generateEd25519KeyFiles(join(dir, "id_ed25519_enc"), "bioxen-test-enc", passphrase)
      : undefined;
    const authorizedKeys = [plain.publicKey, ...(encrypted ? [encrypted.publicKey] : []), ...(options.extraAuthorizedKeys ?? [])];
    const sshd = await startOnSomePort(options, host, {
      authorizedKeys,
      maxSessions: options.maxSessions,
      forceCommand: options.forceCommand,
      setEnv: { ...NOT_LUAROCKS_SUPERUSER, ...options.setEnv },
      passwordAuthentication: options.passwordAuthentication,
    });
    const knownHostsPath = join(dir, "known_hosts");
    await writeFile(knownHostsPath, sshd.knownHostsLines.map((l) => `${l}\n`).join(""));
    return {
      host,
      port: sshd.port,
      username: userInfo().username,
      privateKey: await readFile(plain.privateKeyPath, "utf8"),
      privateKeyPath: plain.privateKeyPath,
      publicKey: plain.publicKey,
      encryptedPrivateKey: encrypted ? await readFile(encrypted.privateKeyPath, "utf8") : undefined,
      encryptedPrivateKeyPath: encrypted?.privateKeyPath,
      passphrase,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
      hostPublicKey: sshd.hostPublicKey,
      knownHostsPath,
      sshd,
      stop: async () => {
        await sshd.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A free port can be taken by someone else before sshd binds it; try a few. */
async function startOnSomePort(
  options: TestSshdOptions,
  host: string,
  rest: Omit<SshdOptions, "addresses" | "port">,
): Promise<SshdHandle> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort(host));
    try {
      return await startSshd({ ...rest, addresses: [host], port });
    } catch (err) {
      const portTaken = /Address already in use/.test((err as Error).message);
      if (!portTaken || options.port !== undefined || attempt >= 5) throw err;
    }
  }
}
