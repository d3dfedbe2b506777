import { GUEST_AREA_ENV } from "./guest-shell";
import { startSshd, type SshdHandle } from "../sshd/launcher";

/** What one guest sshd (one per NIC address) needs. */
export interface GuestSshdOptions {
  address: string;
  port: number;
  authorizedKeys: readonly string[];
  /** The guest's area root (handed to the login wrapper through sshd's SetEnv). */
  areaRoot: string;
  /** The guest's persistent private host key: every NIC and every boot serves the same identity. */
  hostKeyPath: string;
  /** The login wrapper (sshd ForceCommand). */
  guestShell: string;
  /** Where startSshd makes its per-server temp dir. */
  runDir: string;
  signal?: AbortSignal;
}

/** Starts the sshd serving one guest address; sessions run the login wrapper confined to the area. */
export function startGuestSshd(options: GuestSshdOptions): Promise<SshdHandle> {
  return startSshd({
    addresses: [options.address],
    port: options.port,
    authorizedKeys: options.authorizedKeys,
    forceCommand: options.guestShell,
    setEnv: { [GUEST_AREA_ENV]: options.areaRoot },
    hostKeyPath: options.hostKeyPath,
    parentDir: options.runDir,
    signal: options.signal,
  });
}
