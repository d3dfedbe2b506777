/**
 * LuaPackage diff: where the rock lives (target machine, name, tree, Lua version) is identity
 * and a change replaces; a version request is a change only when the INSTALLED version no longer
 * satisfies it, so a constraint or a revision-less pin never makes a perpetual diff. A replace
 * that keeps the rock's name deletes the old one first: both may be the same files.
 *
 * The machine is not its address: a restarted VM may come back with another DHCP lease. An SSH
 * target is the same machine while its `machineId` (XcpngLuaVM: `xcpng:<pool uuid>:<vm uuid>`, or
 * the old `xcpng:<vm uuid>`: the same VM uuid is the same machine) is unchanged,
 * or — when either side has none — while its port, user and host key (or address) are; a new
 * address is then an in-place update whose outputs record the new target, so a later delete
 * (which gets the outputs) goes to where the VM is now.
 */
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN, changedKeys, isUnknown, reveal, sameValue } from "../../runtime/inputs";
import { sameMachineId } from "../../runtime/machine-id";
import { importedChanges } from "./import";
import { satisfiesRequest } from "./rocks";

/** Inputs whose change means another rock: a new resource. */
export const LUA_PACKAGE_REPLACE_KEYS = ["target", "name", "tree", "luaVersion"] as const;
/** Inputs applied in place, compared as values (credentials, host key pin, servers, locked dependencies, deadlines). */
const UPDATE_KEYS = ["target", "servers", "dependencies", "timeouts"] as const;

/**
 * The diff of a LuaPackage (`olds` are the old outputs, `news` the checked inputs): another
 * machine/name/tree/luaVersion → replace; the same machine at a new address, or a version request
 * the installed version misses → update.
 */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const old = reveal<Record<string, unknown>>(olds);
  const next = reveal<Record<string, unknown>>(news);
  const replaces = importedChanges(old, LUA_PACKAGE_REPLACE_KEYS).filter((key) => {
    if (key === "target") return !sameMachine(old.target, next.target);
    return isUnknown(next[key]) || !sameValue(old[key], next[key]);
  });
  const updates = importedChanges(old, changedKeys(old, next, UPDATE_KEYS)).filter((key) => !replaces.includes(key));
  if (versionChanged(old, next)) updates.push(next.version !== undefined ? "version" : "constraint");
  // The same rock under another spelling of its place ("user" vs its path) may be the very
  // files the new resource installs: delete first, then install.
  const deleteBeforeReplace = replaces.length > 0 && !replaces.includes("name");
  return { changes: replaces.length + updates.length > 0, replaces: [...replaces], deleteBeforeReplace };
}

/** The SSH fields that say which machine a target is; an unknown one (preview) may be another machine. */
const MACHINE_FIELDS = ["kind", "host", "port", "username", "hostKeyFingerprint", "machineId"] as const;

/**
 * Whether two targets name the same machine (not how we log in): same kind; for SSH the same
 * `machineId` when both carry one (XCP-ng ids: the same VM uuid, with or without the pool), else the same port and user and either the same address or
 * the same host key (a re-keyed host at its address, or a known key at a new address). Clones
 * sharing a host key behind hand-written targets look alike: give them machineIds.
 */
function sameMachine(before: unknown, after: unknown): boolean {
  if (after === UNKNOWN) return false;
  const [a, b] = [before, after].map((t) => (t !== null && typeof t === "object" ? (t as Record<string, unknown>) : undefined));
  if (!a || !b) return sameValue(before, after);
  if (MACHINE_FIELDS.some((key) => isUnknown(b[key]))) return false;
  if (a.kind !== b.kind) return false;
  if (a.kind !== "ssh") return true;
  if (typeof a.machineId === "string" && typeof b.machineId === "string") return sameMachineId(a.machineId, b.machineId);
  return a.port === b.port && a.username === b.username && (a.host === b.host || a.hostKeyFingerprint === b.hostKeyFingerprint);
}

/** True when the new version/constraint is unknown or the installed version does not satisfy it. */
function versionChanged(old: Record<string, unknown>, next: Record<string, unknown>): boolean {
  if (isUnknown(next.version) || isUnknown(next.constraint)) return true;
  if (typeof old.installedVersion !== "string") return true;
  return !satisfiesRequest(old.installedVersion, next as { version?: string; constraint?: string });
}
