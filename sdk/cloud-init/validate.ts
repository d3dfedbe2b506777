/** Input checks shared by the cloud-init renderers; each throws a CloudInitError naming the field. */
import { ssh2 } from "../base/lazy-modules";
import { CloudInitError } from "./errors";

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** A hostname or FQDN per RFC 1123 (labels of letters, digits and inner hyphens; 253 characters at most). */
export function checkHostname(value: unknown, field = "hostname"): string {
  if (typeof value !== "string" || value.length > 253 || !value.split(".").every((label) => HOST_LABEL.test(label))) {
    throw new CloudInitError(field, `${JSON.stringify(value)} is not a hostname (dot-separated labels of letters, digits and inner hyphens, 63 characters each)`);
  }
  return value;
}

/** A POSIX login name as useradd accepts it by default. */
export function checkUserName(value: unknown, field = "user"): string {
  if (typeof value !== "string" || !USER_NAME.test(value)) {
    throw new CloudInitError(field, `${JSON.stringify(value)} is not a login name (lowercase letter or _, then lowercase letters, digits, _ or -; 32 characters at most)`);
  }
  return value;
}

/** One OpenSSH public key line; a private key is refused without being quoted. */
export function checkPublicKey(value: unknown, field: string): string {
  const parsed = typeof value === "string" && !value.includes("\n") ? ssh2().utils.parseKey(value.trim()) : new Error("not one line");
  if (parsed instanceof Error || Array.isArray(parsed)) {
    if (typeof value === "string" && value.includes("PRIVATE KEY")) throw new CloudInitError(field, "is a private key; give its public half (the .pub file's line)");
    throw new CloudInitError(field, "is not an OpenSSH public key line (`ssh-ed25519 AAAA… comment`)");
  }
  if (parsed.isPrivateKey()) throw new CloudInitError(field, "is a private key; give its public half (the .pub file's line)");
  return (value as string).trim();
}

/** A non-empty array, checked element by element. */
export function checkList<T>(value: unknown, field: string, check: (item: unknown, field: string) => T, { allowEmpty = false } = {}): T[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw new CloudInitError(field, allowEmpty ? "must be an array" : "must be a non-empty array");
  }
  return value.map((item, index) => check(item, `${field}[${index}]`));
}

/** A string without NUL, optionally required to be one non-empty line. */
export function checkText(value: unknown, field: string, { oneLine = false } = {}): string {
  if (typeof value !== "string" || value.length === 0 || value.includes("\0") || (oneLine && /[\r\n]/.test(value))) {
    throw new CloudInitError(field, oneLine ? "must be a non-empty string on one line" : "must be a non-empty string");
  }
  return value;
}

/** A plain object (not an array, not null). */
export function checkObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CloudInitError(field, "must be an object");
  return value as Record<string, unknown>;
}
