import { promises as fs } from "node:fs";
import * as path from "node:path";
import { generateEd25519KeyFiles, readKeyFiles, type GeneratedKeyFiles } from "../sshd/keys";

/**
 * The guest's own ed25519 host key in `dir`, made on first boot and read back on later boots,
 * so a restarted guest (or one that gained a NIC) keeps the identity clients have pinned.
 */
export async function ensureGuestHostKey(dir: string): Promise<GeneratedKeyFiles> {
  const privateKeyPath = path.join(dir, "ssh_host_ed25519_key");
  try {
    await fs.access(privateKeyPath);
    return await readKeyFiles(privateKeyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.rm(`${privateKeyPath}.pub`, { force: true }); // ssh-keygen asks before overwriting a half-made pair
  return generateEd25519KeyFiles(privateKeyPath, "bioxen-sim-guest");
}
