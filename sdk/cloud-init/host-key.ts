/**
 * A VM's SSH host key, generated here before the VM exists so its fingerprint can be pinned from
 * the first connection (no trust on first use). The private half is reachable only through
 * `revealPrivateKey()`: string conversion, JSON and `util.inspect` show the public half only.
 */
import { inspect } from "node:util";
import { ssh2 } from "../base/lazy-modules";
import { sha256Fingerprint } from "../ssh/fingerprint";
import { CloudInitError } from "./errors";

/** An ed25519 SSH host key pair in OpenSSH formats, with its pin. */
export class SshHostKey {
  /** The key type, as cloud-init's `ssh_keys` and sshd name it. */
  readonly type = "ed25519";
  /** The public half as one authorized_keys/known_hosts line: `ssh-ed25519 AAAA… comment`. */
  readonly publicKey: string;
  /** SHA-256 fingerprint as `ssh-keygen -l` prints it (`SHA256:…`), the form `hostKey: { fingerprint }` pins. */
  readonly fingerprint: string;
  readonly #privateKey: string;

  private constructor(privateKey: string, publicKey: string, fingerprint: string) {
    this.#privateKey = privateKey;
    this.publicKey = publicKey;
    this.fingerprint = fingerprint;
  }

  /**
   * Reads an unencrypted OpenSSH ed25519 private key (`-----BEGIN OPENSSH PRIVATE KEY-----`), e.g.
   * one kept as a secret in state, back into a host key.
   * @throws CloudInitError when it is not one (the message never quotes the key).
   */
  static fromPrivateKey(privateKey: string): SshHostKey {
    const parsed = typeof privateKey === "string" ? ssh2().utils.parseKey(privateKey) : new Error("not a string");
    if (parsed instanceof Error || Array.isArray(parsed) || !parsed.isPrivateKey() || parsed.type !== "ssh-ed25519") {
      throw new CloudInitError("hostKey", "is not an unencrypted OpenSSH ed25519 private key");
    }
    const blob = parsed.getPublicSSH();
    const comment = parsed.comment ? ` ${parsed.comment}` : "";
    return new SshHostKey(privateKey, `ssh-ed25519 ${blob.toString("base64")}${comment}`, sha256Fingerprint(blob));
  }

  /** The private half in OpenSSH format. Secret: keep it in secret outputs only, never in logs or errors. */
  revealPrivateKey(): string {
    return this.#privateKey;
  }

  /** The public half only. */
  toString(): string {
    return `SshHostKey(${this.fingerprint})`;
  }

  /** The public half only, so a host key serialised by accident leaks nothing. */
  toJSON(): { type: string; publicKey: string; fingerprint: string } {
    return { type: this.type, publicKey: this.publicKey, fingerprint: this.fingerprint };
  }

  /** What console.log and util.inspect show: the public half only. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Generates a fresh ed25519 host key in-process.
 * @param comment the public key line's comment (default `bioxen-luavm`); printable ASCII without newlines
 */
export function generateSshHostKey(comment = "bioxen-luavm"): SshHostKey {
  if (typeof comment !== "string" || !/^[\x21-\x7e][\x20-\x7e]*$/.test(comment) || comment.length > 200) {
    throw new CloudInitError("hostKey comment", `${JSON.stringify(comment)} must be 1–200 printable ASCII characters on one line`);
  }
  const pair = ssh2().utils.generateKeyPairSync("ed25519", { comment });
  return SshHostKey.fromPrivateKey(pair.private);
}
