import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** An OpenSSH key pair written to disk by ssh-keygen. */
export interface GeneratedKeyFiles {
  /** Path of the private key (OpenSSH format). */
  privateKeyPath: string;
  /** The public key line, "ssh-ed25519 AAAA… comment". */
  publicKey: string;
  /** SHA-256 fingerprint as `ssh-keygen -l` prints it: "SHA256:…" (no padding). */
  fingerprint: string;
}

/**
 * Generates an ed25519 key pair with `ssh-keygen` (the same tool sshd's packaging uses, so the
 * file format is exactly what sshd expects). An empty passphrase leaves the key unencrypted.
 */
export async function generateEd25519KeyFiles(
  privateKeyPath: string,
  comment: string,
  passphrase = "",
): Promise<GeneratedKeyFiles> {
  try {
    await execFileAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", comment, "-f", privateKeyPath]);
  } catch (err) {
    throw new Error(`ssh-keygen could not create an ed25519 key at ${privateKeyPath}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const publicKey = (await readFile(`${privateKeyPath}.pub`, "utf8")).trim();
  return { privateKeyPath, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
}

/**
 * Describes an existing unencrypted private key: `ssh-keygen -y` derives its public key, so the
 * result describes the key sshd will actually load, whatever a neighbouring `.pub` file says.
 */
export async function readKeyFiles(privateKeyPath: string): Promise<GeneratedKeyFiles> {
  let publicKey: string;
  try {
    // -P "": fail on a passphrase-protected key instead of prompting (sshd cannot load one either).
    publicKey = (await execFileAsync("ssh-keygen", ["-y", "-P", "", "-f", privateKeyPath])).stdout.trim();
  } catch (err) {
    throw new Error(
      `ssh-keygen could not read the private key ${privateKeyPath} (it must exist, be unencrypted and mode 0600): ` +
        `${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`,
      { cause: err },
    );
  }
  return { privateKeyPath, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
}

/** SHA-256 fingerprint of a public key line ("type base64 [comment]"), formatted like ssh-keygen -l. */
export function publicKeyFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key line: "${publicKeyLine.slice(0, 40)}…"`);
  const digest = createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}
