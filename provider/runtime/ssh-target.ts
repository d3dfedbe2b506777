/**
 * The serializable description of where Lua runs, shared by every resource (`sshTarget` output
 * of XcpngLuaVM, `target` input of LuaPackage…), and the sdk `Target` built from it. The SSH
 * host key is always pinned; the private key falls back to `bioxen:sshPrivateKey`.
 */
import { sshTarget } from "../../sdk/ssh";
import { normaliseFingerprint } from "../../sdk/ssh/fingerprint";
import { localTarget, type Target } from "../../sdk/target";
import { describeSetting, settings } from "./config";
import { failure, isUnknown, reveal, shown, type CheckFailure } from "./inputs";

/** Where commands run: this machine, or an SSH host with a pinned host key. */
export type TargetSpec =
  | { kind: "local" }
  | {
      kind: "ssh";
      host: string;
      port: number;
      username: string;
      /** `SHA256:…` as `ssh-keygen -l` prints it */
      hostKeyFingerprint: string;
      /** private key text (secret); default `bioxen:sshPrivateKey` */
      privateKey?: string;
      /**
       * What machine this is, whatever its address: `xcpng:<pool uuid>:<vm uuid>` on an
       * XcpngLuaVM's `sshTarget` (`xcpng:<vm uuid>` in state written before the pool was
       * recorded). LuaPackage treats an unchanged machineId (for XCP-ng: the same VM uuid) as the
       * same machine when the address changes (a restarted VM's new DHCP lease). Optional; not
       * used to connect.
       */
      machineId?: string;
    };

/** A machineId: a scheme and an id, e.g. "xcpng:<pool uuid>:<vm uuid>"; printable and short, never a secret. */
const MACHINE_ID = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,199}$/;

/** Options for {@link targetFor}. */
export interface TargetForOptions {
  /** keep re-dialling a host that is not up yet for this long (ms; sdk default 60 s) */
  dialTimeoutMs?: number;
}

/**
 * The sdk Target for a spec (nothing connects until first use).
 * @throws Error when an SSH spec has no private key and `bioxen:sshPrivateKey` is not set
 */
export function targetFor(spec: TargetSpec, options: TargetForOptions = {}): Target {
  const plain = reveal<TargetSpec>(spec);
  if (plain.kind === "local") return localTarget();
  const privateKey = plain.privateKey ?? settings().sshPrivateKey;
  if (!privateKey) {
    throw new Error(`no SSH private key for ${plain.username}@${plain.host}:${plain.port}: set the target's privateKey or ${describeSetting("sshPrivateKey")}`);
  }
  return sshTarget({
    host: plain.host,
    port: plain.port,
    username: plain.username,
    privateKey,
    hostKey: { fingerprint: plain.hostKeyFingerprint },
    ...(options.dialTimeoutMs !== undefined ? { dialTimeoutMs: options.dialTimeoutMs } : {}),
  });
}

/**
 * Check failures for a TargetSpec input at `property` (empty when valid or unknown).
 * Never echoes the private key.
 */
export function checkTargetSpec(property: string, value: unknown): CheckFailure[] {
  if (isUnknown(value)) return [];
  const spec = reveal<Record<string, unknown>>(value);
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) return [failure(property, `must be { kind: "local" } or { kind: "ssh", host, port, username, hostKeyFingerprint, privateKey? }, got ${shown(typeof spec)}`)];
  if (spec.kind === "local") return [];
  if (spec.kind !== "ssh") return [failure(`${property}.kind`, `must be "local" or "ssh", got ${shown(spec.kind)}`)];
  const failures: CheckFailure[] = [];
  if (typeof spec.host !== "string" || !/^[A-Za-z0-9.:_-]+$/.test(spec.host)) failures.push(failure(`${property}.host`, `must be a host name or IP address, got ${shown(spec.host)}`));
  if (!Number.isInteger(spec.port) || (spec.port as number) < 1 || (spec.port as number) > 65535) failures.push(failure(`${property}.port`, `must be an integer from 1 to 65535, got ${shown(spec.port)}`));
  failures.push(...sshUserFailures(`${property}.username`, spec.username), ...hostKeyFingerprintFailures(`${property}.hostKeyFingerprint`, spec.hostKeyFingerprint));
  if (spec.machineId !== undefined && !isUnknown(spec.machineId) && (typeof spec.machineId !== "string" || !MACHINE_ID.test(spec.machineId))) {
    failures.push(failure(`${property}.machineId`, `must be a machine identity such as "xcpng:<pool uuid>:<vm uuid>" (letters, digits and .:_-), got ${shown(spec.machineId)}`));
  }
  if (spec.privateKey !== undefined) failures.push(...privateKeyFailures(`${property}.privateKey`, spec.privateKey));
  return failures;
}

/** A login name as useradd accepts it (at most 32 characters). */
const SSH_USER = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;

/** Check failure of an SSH user name at `property` (empty when valid). */
export function sshUserFailures(property: string, value: unknown): CheckFailure[] {
  return typeof value === "string" && SSH_USER.test(value) ? [] : [failure(property, `must be a user name, got ${shown(value)}`)];
}

/** Check failure of a pinned host key fingerprint at `property` (empty when valid). */
export function hostKeyFingerprintFailures(property: string, value: unknown): CheckFailure[] {
  if (typeof value === "string" && normaliseFingerprint(value)) return [];
  return [failure(property, `must be a SHA256:… fingerprint as ssh-keygen -l prints it, got ${shown(value)}`)];
}

/** Check failure of private key text at `property` (empty when valid); never shows the value. */
export function privateKeyFailures(property: string, value: unknown): CheckFailure[] {
  return typeof value === "string" && value.includes("PRIVATE KEY") ? [] : [failure(property, "must be private key text (PEM or OpenSSH); value not shown")];
}
