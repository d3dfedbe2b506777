import { promises as fs } from "node:fs";
import * as path from "node:path";
import { GUEST_AREA_ENV } from "./guest-shell";
import { startSshd, type SshdHandle } from "./sshd";
import type { GeneratedKeyFiles } from "./sshd-keys";

/** What one guest sshd (one per NIC address) needs. */
export interface GuestSshdOptions {
  address: string;
  port: number;
  authorizedKeys: readonly string[];
  /** The guest's area root (handed to the login wrapper through sshd's SetEnv). */
  areaRoot: string;
  /** The guest's /etc/ssh inside its area: host key and launcher live here. */
  sshDir: string;
  hostKey: GeneratedKeyFiles;
  /** The login wrapper (sshd ForceCommand). */
  guestShell: string;
  /** Where startSshd makes its per-server temp dir. */
  runDir: string;
  signal?: AbortSignal;
}

const SSHD = "/usr/sbin/sshd";

/**
 * startSshd generates a fresh host key per server, but a guest must keep one identity across its
 * NICs and reboots. Until SshdOptions can take a host key, a tiny launcher passes the guest's key
 * with `sshd -h`: keys given on the command line are loaded before the config's HostKey, and sshd
 * serves the first key of each type, so clients see the guest's key.
 */
async function writeLauncher(sshDir: string, hostKeyPath: string): Promise<string> {
  const launcher = path.join(sshDir, "sshd-launch");
  await fs.writeFile(launcher, `#!/bin/sh\nexec ${SSHD} -h '${hostKeyPath}' "$@"\n`, { mode: 0o755 });
  await fs.chmod(launcher, 0o755);
  return launcher;
}

/** Starts the sshd serving one guest address; sessions run the login wrapper confined to the area. */
export async function startGuestSshd(options: GuestSshdOptions): Promise<SshdHandle> {
  if (/['\n]/.test(options.hostKey.privateKeyPath)) {
    throw new Error(`guest host: host key path ${JSON.stringify(options.hostKey.privateKeyPath)} cannot be quoted`);
  }
  return startSshd({
    addresses: [options.address],
    port: options.port,
    authorizedKeys: options.authorizedKeys,
    forceCommand: options.guestShell,
    setEnv: { [GUEST_AREA_ENV]: options.areaRoot },
    sshdPath: await writeLauncher(options.sshDir, options.hostKey.privateKeyPath),
    parentDir: options.runDir,
    signal: options.signal,
  });
}
