/**
 * What a simulated cloud-init does at boot: finds a NoCloud drive among the VM's data disks and
 * applies its `ssh_keys` (the host key sshd then presents), `ssh_authorized_keys` and hostname.
 * A drive cloud-init would not use is skipped; the reasons are kept for the test or resource
 * that wonders why the guest booted without it (they never quote file contents).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { readNoCloudSeed } from "./nocloud-seed";

/** What the guest took from its config drive, or why it found none. */
export type CloudInitOutcome =
  | { applied: true; instanceId: string; hostname?: string; authorizedKeys: string[]; hostKeyInstalled: boolean }
  | { applied: false; reason: string };

/** The file name sshd loads the guest's ed25519 host key from (see guest-host-key.ts). */
const HOST_KEY_FILE = "ssh_host_ed25519_key";

/**
 * Reads the drives in order and applies the first valid NoCloud seed: its ed25519 host key is
 * written where the guest's sshd loads it (replacing the template's), its users' keys returned.
 */
export async function applyCloudInit(drives: readonly Buffer[], sshDir: string): Promise<CloudInitOutcome> {
  const reasons: string[] = [];
  for (const [index, drive] of drives.entries()) {
    const read = await readNoCloudSeed(drive);
    if (!read.ok) {
      reasons.push(`data disk ${index + 1}: ${read.reason}`);
      continue;
    }
    const { seed } = read;
    const hostKey = seed.hostKeys.ed25519?.private;
    if (hostKey !== undefined) await installHostKey(sshDir, hostKey);
    return {
      applied: true,
      instanceId: seed.instanceId,
      hostname: seed.hostname,
      authorizedKeys: seed.users.flatMap((user) => user.authorizedKeys),
      hostKeyInstalled: hostKey !== undefined,
    };
  }
  return { applied: false, reason: reasons.length > 0 ? reasons.join("; ") : "no data disk with content is attached" };
}

/** Replaces the guest's host key (cloud-init's ssh_deletekeys, then the given key). */
async function installHostKey(sshDir: string, privateKey: string): Promise<void> {
  const keyPath = path.join(sshDir, HOST_KEY_FILE);
  await fs.mkdir(sshDir, { recursive: true, mode: 0o700 });
  await fs.rm(`${keyPath}.pub`, { force: true });
  await fs.writeFile(keyPath, privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`, { mode: 0o600 });
  await fs.chmod(keyPath, 0o600);
}
