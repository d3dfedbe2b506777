import { promises as fs } from "node:fs";
import * as path from "node:path";
import { generateEd25519KeyFiles, publicKeyFingerprint, type GeneratedKeyFiles } from "./sshd-keys";

/**
 * The guest's own ed25519 host key in `dir`, made on first boot and read back on later boots,
 * so a restarted guest (or one that gained a NIC) keeps the identity clients have pinned.
 */
export async function ensureGuestHostKey(dir: string): Promise<GeneratedKeyFiles> {
  const privateKeyPath = path.join(dir, "ssh_host_ed25519_key");
  try {
    const publicKey = (await fs.readFile(`${privateKeyPath}.pub`, "utf8")).trim();
    await fs.access(privateKeyPath);
    return { privateKeyPath, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.rm(privateKeyPath, { force: true }); // ssh-keygen asks before overwriting a half-made pair
  await fs.rm(`${privateKeyPath}.pub`, { force: true });
  return generateEd25519KeyFiles(privateKeyPath, "bioxen-sim-guest");
}
