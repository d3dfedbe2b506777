import { readFile } from "node:fs/promises";
import { SshError } from "./errors";
import { normaliseFingerprint, sha256Fingerprint } from "./fingerprint";
import { findKnownHostKeys, knownHostsLookupName, type KnownHostKey } from "./known-hosts";

/**
 * How the server's host key is trusted. Required: there is no "skip verification".
 * - `{ fingerprint: "SHA256:…" }` pins one key (as `ssh-keygen -l` prints it);
 * - `{ knownHostsPath }` uses an OpenSSH known_hosts file (plain, hashed, `[host]:port`);
 * - `{ trustOnFirstUse: true }` accepts whatever key is offered; the accepted fingerprint is
 *   available from `SshTarget.hostKeyFingerprint()` so the caller can record and pin it.
 */
export type HostKeyPolicy = { fingerprint: string } | { knownHostsPath: string } | { trustOnFirstUse: true };

/** The verifier for one connection attempt, plus what it decided. */
export interface HostKeyCheck {
  /** For ssh2's `hostVerifier` (receives the raw key blob). */
  verify(keyBlob: Buffer): boolean;
  /** The refusal, when the offered key was not accepted. */
  refusal(): SshError | undefined;
  /** The accepted key's fingerprint, once verified. */
  accepted(): string | undefined;
  /** Host key algorithms to offer (the types known_hosts lists), so the server shows a key we can check. */
  serverHostKeyAlgorithms?: string[];
}

/** A stable, secret-free text for the policy (part of the pool key: different trust, different connection). */
export function describeHostKeyPolicy(policy: HostKeyPolicy): string {
  if ("fingerprint" in policy) return `pin:${policy.fingerprint}`;
  if ("knownHostsPath" in policy) return `known_hosts:${policy.knownHostsPath}`;
  return "tofu";
}

/**
 * Checks the policy's shape up front so mistakes surface before any network traffic. Fields set
 * to `undefined` count as absent (optional inputs spread into the object, e.g.
 * `{ trustOnFirstUse: true, fingerprint: undefined }`); a present field of the wrong type is an
 * SshError naming it, never a TypeError.
 */
export function validateHostKeyPolicy(policy: HostKeyPolicy | undefined, target: string): HostKeyPolicy {
  const missing = "hostKey is required: give { fingerprint: \"SHA256:…\" }, { knownHostsPath } or { trustOnFirstUse: true }";
  if (!policy || typeof policy !== "object") throw new SshError("INVALID_ARGUMENT", target, missing);
  const { fingerprint, knownHostsPath, trustOnFirstUse } = policy as { fingerprint?: unknown; knownHostsPath?: unknown; trustOnFirstUse?: unknown };
  if (fingerprint !== undefined) {
    const normalised = typeof fingerprint === "string" ? normaliseFingerprint(fingerprint) : undefined;
    if (!normalised) {
      throw new SshError("INVALID_ARGUMENT", target, `hostKey.fingerprint ${JSON.stringify(fingerprint) ?? String(fingerprint)} is not a SHA256:… fingerprint as ssh-keygen -l prints it`);
    }
    return { fingerprint: normalised };
  }
  if (knownHostsPath !== undefined) {
    if (typeof knownHostsPath === "string" && knownHostsPath !== "") return { knownHostsPath };
    throw new SshError("INVALID_ARGUMENT", target, `hostKey.knownHostsPath must be the path of a known_hosts file, got ${JSON.stringify(knownHostsPath) ?? String(knownHostsPath)}`);
  }
  if (trustOnFirstUse === true) return { trustOnFirstUse: true };
  throw new SshError("INVALID_ARGUMENT", target, missing);
}

/** Prepares the verifier for one connection attempt (re-reads known_hosts each time). */
export async function prepareHostKeyCheck(policy: HostKeyPolicy, host: string, port: number, target: string): Promise<HostKeyCheck> {
  if ("fingerprint" in policy) return pinnedCheck([policy.fingerprint], target, `the pinned fingerprint`);
  if ("trustOnFirstUse" in policy) return pinnedCheck(undefined, target, "trust on first use");
  const text = await readKnownHosts(policy.knownHostsPath, target);
  const keys = findKnownHostKeys(text, host, port);
  return knownHostsCheck(keys, target, `${policy.knownHostsPath} (as ${knownHostsLookupName(host, port)})`);
}

async function readKnownHosts(path: string, target: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new SshError("INVALID_ARGUMENT", target, `cannot read known_hosts file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function pinnedCheck(allowed: string[] | undefined, target: string, source: string): HostKeyCheck {
  let refusal: SshError | undefined;
  let accepted: string | undefined;
  return {
    verify(keyBlob) {
      const offered = sha256Fingerprint(keyBlob);
      if (allowed && !allowed.includes(offered)) {
        refusal = new SshError(
          "HOST_KEY_MISMATCH",
          target,
          `host key mismatch: the server offered ${offered} but ${source} is ${allowed.join(", ")}; refusing to connect (if the host was rebuilt, verify and pin the new fingerprint)`,
        );
        return false;
      }
      accepted = offered;
      return true;
    },
    refusal: () => refusal,
    accepted: () => accepted,
  };
}

function knownHostsCheck(keys: KnownHostKey[], target: string, source: string): HostKeyCheck {
  let refusal: SshError | undefined;
  let accepted: string | undefined;
  const trusted = keys.filter((k) => !k.revoked);
  return {
    verify(keyBlob) {
      const offered = sha256Fingerprint(keyBlob);
      const revoked = keys.find((k) => k.revoked && k.keyBlob.equals(keyBlob));
      if (revoked) {
        refusal = new SshError("HOST_KEY_REVOKED", target, `the server offered ${offered}, which ${source} marks @revoked (line ${revoked.line})`);
      } else if (trusted.length === 0) {
        refusal = new SshError("HOST_KEY_UNKNOWN", target, `host key unknown: the server offered ${offered} but ${source} has no entry for this host; verify it and add it (or pin the fingerprint)`);
      } else if (!trusted.some((k) => k.keyBlob.equals(keyBlob))) {
        const expected = trusted.map((k) => `${sha256Fingerprint(k.keyBlob)} (line ${k.line})`).join(", ");
        refusal = new SshError("HOST_KEY_MISMATCH", target, `host key mismatch: the server offered ${offered} but ${source} expects ${expected}; refusing to connect`);
      } else {
        accepted = offered;
        return true;
      }
      return false;
    },
    refusal: () => refusal,
    accepted: () => accepted,
    serverHostKeyAlgorithms: trusted.length > 0 ? algorithmsFor(trusted) : undefined,
  };
}

/** RSA keys are listed as "ssh-rsa" but negotiated with the SHA-2 signature algorithms. */
function algorithmsFor(keys: KnownHostKey[]): string[] {
  const algorithms = new Set<string>();
  for (const { keyType } of keys) {
    if (keyType === "ssh-rsa") ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"].forEach((a) => algorithms.add(a));
    else algorithms.add(keyType);
  }
  return [...algorithms];
}
