/** How the simulator's guests are set up. */
export interface GuestHostOptions {
  /** Where guest areas live (`<rootDir>/<vmUuid>/`). Default: a fresh temp dir, removed on dispose. */
  rootDir?: string;
  /** Port every guest's sshd listens on, each on its own address. Default 2222. */
  sshPort?: number;
  /** OpenSSH public key lines ("ssh-ed25519 AAAA… comment") every guest accepts. */
  authorizedKeys: string[];
  /** Milliseconds from start until the guest "agent" reports its addresses. Default 500. */
  bootDelayMs?: number;
  /** First two octets of guest addresses, inside 127.0.0.0/8. Default "127.77" (guests get 127.77.x.y). */
  addressBase?: string;
}

/** The options with defaults applied and everything checked. */
export type ResolvedGuestHostOptions = Required<Omit<GuestHostOptions, "rootDir">> & Pick<GuestHostOptions, "rootDir">;

/** A path the sshd config, the Lua search paths and sh quoting all carry verbatim. */
const PLAIN_ABSOLUTE_PATH = /^\/[A-Za-z0-9_.\/-]*$/;

/** Applies defaults and rejects values that would break sshd_config, Lua paths or the shell. */
export function resolveGuestHostOptions(options: GuestHostOptions): ResolvedGuestHostOptions {
  const sshPort = options.sshPort ?? 2222;
  if (!Number.isInteger(sshPort) || sshPort < 1 || sshPort > 65535) {
    throw new Error(`guest host: sshPort ${sshPort} is not a TCP port (1-65535)`);
  }
  const bootDelayMs = options.bootDelayMs ?? 500;
  if (!Number.isFinite(bootDelayMs) || bootDelayMs < 0) {
    throw new Error(`guest host: bootDelayMs ${bootDelayMs} must be a non-negative number of milliseconds`);
  }
  if (options.rootDir !== undefined && !PLAIN_ABSOLUTE_PATH.test(options.rootDir)) {
    throw new Error(
      `guest host: rootDir ${JSON.stringify(options.rootDir)} must be an absolute path of letters, digits, "_", ".", "-" and "/"`,
    );
  }
  for (const key of options.authorizedKeys) {
    if (/[\r\n]/.test(key.trim()) || key.trim() === "") {
      throw new Error(`guest host: each authorizedKeys entry must be one non-empty public key line`);
    }
  }
  return {
    rootDir: options.rootDir,
    sshPort,
    authorizedKeys: [...options.authorizedKeys],
    bootDelayMs,
    addressBase: options.addressBase ?? "127.77",
  };
}

/** Checks a default temp dir is as plain as a given rootDir must be (it is used the same way). */
export function assertPlainPath(dir: string): string {
  if (!PLAIN_ABSOLUTE_PATH.test(dir)) {
    throw new Error(`guest host: temp dir ${JSON.stringify(dir)} is not a plain path; pass rootDir explicitly`);
  }
  return dir;
}
