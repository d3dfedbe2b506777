import { createHash } from "node:crypto";

const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;

/** SHA-256 fingerprint of an SSH public key blob, formatted like `ssh-keygen -l`: "SHA256:…". */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** Normalises a user-given "SHA256:…" fingerprint (padding optional); undefined when malformed. */
export function normaliseFingerprint(value: string): string | undefined {
  const match = FINGERPRINT.exec(value.trim());
  return match ? `SHA256:${match[1]}` : undefined;
}

/** The key type a public key blob names in its first field ("ssh-ed25519", …); undefined if malformed. */
export function keyTypeOfBlob(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return undefined;
  return keyBlob.subarray(4, 4 + length).toString("latin1");
}
