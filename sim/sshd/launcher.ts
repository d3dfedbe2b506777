import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { renderSshdConfig } from "./config";
import { generateEd25519KeyFiles, readKeyFiles, type GeneratedKeyFiles } from "./keys";
import { descendantPids, signalQuietly } from "./process-tree";
import { startWatchdog, type Watchdog } from "./watchdog";
import { probeSshBanner } from "./ready";

/** How to start one OpenSSH server. */
export interface SshdOptions {
  /** Loopback addresses to listen on, e.g. ["127.0.0.1"] or ["127.77.0.5", "127.77.1.5"]. */
  addresses: readonly string[];
  /** TCP port (the same on every address). */
  port: number;
  /** Public key lines allowed to log in (authorized_keys content). */
  authorizedKeys: readonly string[];
  /** Enables PasswordAuthentication (and PermitRootLogin yes); the account needs a Unix password. */
  passwordAuthentication?: boolean;
  /** Absolute path of a wrapper run for every session (sshd ForceCommand); it sees SSH_ORIGINAL_COMMAND. */
  forceCommand?: string;
  /** Variables sshd sets in every session (sshd SetEnv), on top of (and overriding) {@link SSHD_DEFAULT_ENV}. */
  setEnv?: Readonly<Record<string, string>>;
  /**
   * An existing unencrypted private host key (mode 0600) to serve instead of a freshly generated
   * one, e.g. to keep one identity across restarts. The handle describes this key; stop() leaves it.
   */
  hostKeyPath?: string;
  /** Channels per connection (default 64; OpenSSH's own default is 10). */
  maxSessions?: number;
  /** How long to wait for the banner on every address (default 20 s). */
  startDeadlineMs?: number;
  /** Aborting stops the start attempt (and the sshd it spawned). */
  signal?: AbortSignal;
  /** sshd binary (default /usr/sbin/sshd). */
  sshdPath?: string;
  /** Directory under which the per-server temp dir is made (default os.tmpdir()). */
  parentDir?: string;
}

/** A running sshd. */
export interface SshdHandle {
  readonly addresses: readonly string[];
  readonly port: number;
  /** Host key fingerprint as `ssh-keygen -l` prints it: "SHA256:…". */
  readonly hostKeyFingerprint: string;
  /** Host public key line, "ssh-ed25519 AAAA…". */
  readonly hostPublicKey: string;
  /** One known_hosts line per address ("[addr]:port ssh-ed25519 AAAA…", or "addr …" for port 22). */
  readonly knownHostsLines: readonly string[];
  /** The server's temp dir (config, generated host key, pid file). Removed by stop(). */
  readonly dir: string;
  /** The sshd master process id. */
  readonly pid: number;
  /** Whether this start created /run/sshd (it is left in place: other sshd instances may use it). */
  readonly createdPrivsepDir: boolean;
  /** The last part of sshd's log (it runs with -e, so the log is its stderr). */
  log(): string;
  /** Logins sshd accepted so far (its "Accepted …" log lines): one per SSH connection that authenticated. */
  logins(): number;
  /** Kills sshd and every session process it started, then removes its files. Idempotent. */
  stop(): Promise<void>;
}

/**
 * SetEnv every server gets unless the caller overrides it. Sessions log in as the user running
 * this process, and bash sources that user's ~/.bashrc for commands run by sshd unless it believes
 * it is nested (SHLVL ≥ 1). A developer's rc file (pyenv init, …) makes every session slow and a
 * killed session can leave a lock that stalls later logins, and a simulated guest should behave
 * like a fresh VM, not like this machine's user — so no session sources it.
 */
export const SSHD_DEFAULT_ENV: Readonly<Record<string, string>> = { SHLVL: "1" };

const PRIVSEP_DIR = "/run/sshd";
const LOG_TAIL_BYTES = 64 * 1024;
/** sshd's INFO line for an authenticated connection ("Accepted publickey for … from … port …"). */
const ACCEPTED_LOGIN = /\bAccepted \S+ for /;
const STOP_GRACE_MS = 3_000;
const live = new Set<ChildProcess>();

/** Starts `/usr/sbin/sshd -D -e -f <config>` and resolves once every address serves an SSH banner. */
export async function startSshd(options: SshdOptions): Promise<SshdHandle> {
  if (options.addresses.length === 0) throw new Error("startSshd needs at least one listen address");
  const createdPrivsepDir = ensurePrivsepDir();
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "bioxen-sshd-"));
  try {
    const hostKey = await hostKeyFor(options, dir);
    const authorizedKeysPath = join(dir, "authorized_keys");
    await writeFile(authorizedKeysPath, options.authorizedKeys.map((k) => `${k.trim()}\n`).join(""), { mode: 0o600 });
    const configPath = join(dir, "sshd_config");
    const config = renderSshdConfig({
      addresses: options.addresses,
      port: options.port,
      hostKeyPath: hostKey.privateKeyPath,
      pidFilePath: join(dir, "sshd.pid"),
      authorizedKeysPath,
      passwordAuthentication: options.passwordAuthentication ?? false,
      maxSessions: options.maxSessions ?? 64,
      forceCommand: options.forceCommand,
      setEnv: { ...SSHD_DEFAULT_ENV, ...options.setEnv },
    });
    await writeFile(configPath, config, { mode: 0o600 });
    const child = spawnSshd(options.sshdPath ?? "/usr/sbin/sshd", configPath);
    const { log, logins } = captureLog(child);
    const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid, [dir]);
    const stop = onceStopper(child, dir, watchdog);
    try {
      await waitUntilServing(child, options, log);
    } catch (err) {
      await stop();
      throw err;
    }
    return {
      addresses: [...options.addresses],
      port: options.port,
      hostKeyFingerprint: hostKey.fingerprint,
      hostPublicKey: hostKey.publicKey,
      knownHostsLines: options.addresses.map((a) => `${knownHostsName(a, options.port)} ${hostKey.publicKey}`),
      dir,
      pid: child.pid!,
      createdPrivsepDir,
      log,
      logins,
      stop,
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The caller's key when given (it stays the caller's: it lives outside `dir`), else a fresh one in `dir`. */
function hostKeyFor(options: SshdOptions, dir: string): Promise<GeneratedKeyFiles> {
  // Absolute: sshd_config paths must not depend on the directory sshd happens to run in.
  if (options.hostKeyPath !== undefined) return readKeyFiles(resolve(options.hostKeyPath));
  return generateEd25519KeyFiles(join(dir, "ssh_host_ed25519_key"), "bioxen-sim-host");
}

/** The host name as known_hosts spells it: "addr" on port 22, "[addr]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** sshd refuses to start as root without its privilege-separation directory. */
function ensurePrivsepDir(): boolean {
  if (process.getuid?.() !== 0 || existsSync(PRIVSEP_DIR)) return false;
  mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  return true;
}

function spawnSshd(sshdPath: string, configPath: string): ChildProcess {
  // -D: stay in the foreground (we own the process); -e: log to stderr.
  const child = spawn(sshdPath, ["-D", "-e", "-f", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/** Keeps draining sshd's stderr (a full pipe would block it) and remembers the tail. */
function captureLog(child: ChildProcess): { log: () => string; logins: () => number } {
  let tail = "";
  let partialLine = "";
  let logins = 0;
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-LOG_TAIL_BYTES);
    const lines = (partialLine + chunk).split("\n");
    partialLine = lines.pop()!;
    logins += lines.filter((line) => ACCEPTED_LOGIN.test(line)).length;
  });
  child.once("error", (err) => {
    tail += `\n[spawn error] ${err.message}`;
  });
  return { log: () => tail, logins: () => logins };
}

async function waitUntilServing(child: ChildProcess, options: SshdOptions, log: () => string): Promise<void> {
  const deadlineMs = options.startDeadlineMs ?? 20_000;
  const deadline = Date.now() + deadlineMs;
  const where = `${options.addresses.join(",")} port ${options.port}`;
  const pending = new Set(options.addresses);
  let delay = 20;
  while (pending.size > 0) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error(`sshd on ${where} exited during start-up (code ${child.exitCode}); its log:\n${log()}`);
    }
    if (options.signal?.aborted) throw new Error(`sshd start on ${where} aborted`, { cause: options.signal.reason });
    if (Date.now() > deadline) {
      throw new Error(`sshd on ${where} served no SSH banner on ${[...pending].join(",")} within ${deadlineMs} ms; its log:\n${log()}`);
    }
    for (const address of [...pending]) {
      if (await probeSshBanner(address, options.port, 1_000)) pending.delete(address);
    }
    if (pending.size > 0) {
      // An abort ends the pause; the loop's top reports it.
      await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, 250);
    }
  }
}

function onceStopper(child: ChildProcess, dir: string, watchdog: Watchdog | undefined): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stopProcessTree(child).then(() => rm(dir, { recursive: true, force: true })).finally(() => watchdog?.release()));
}


/**
 * sshd puts each connection (and each session) in its own session via setsid(), so killing a
 * process group is not enough: snapshot the descendants, stop the master so no new ones appear,
 * then kill the snapshot and whatever appeared meanwhile.
 */
async function stopProcessTree(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const sessions = descendantPids(pid);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalQuietly(pid, "SIGTERM");
  for (const p of [...sessions, ...descendantPids(pid)]) signalQuietly(p, "SIGKILL");
  const grace = setTimeout(() => signalQuietly(pid, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(grace);
  for (const p of sessions) signalQuietly(p, "SIGKILL");
}

// A crashed test run must not leave sshd processes behind.
process.once("exit", () => {
  for (const child of live) {
    if (child.pid === undefined) continue;
    for (const p of descendantPids(child.pid)) signalQuietly(p, "SIGKILL");
    signalQuietly(child.pid, "SIGKILL");
  }
});
