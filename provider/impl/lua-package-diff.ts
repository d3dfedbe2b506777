/**
 * LuaPackage diff: where the rock lives (target machine, name, tree, Lua version) is identity
 * and a change replaces; a version request is a change only when the INSTALLED version no longer
 * satisfies it, so a constraint or a revision-less pin never makes a perpetual diff. A replace
 * that keeps the rock's name deletes the old one first: both may be the same files.
 */
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN, isUnknown, reveal, sameValue } from "../runtime/inputs";
import { satisfiesRequest } from "./lua-package-rocks";

/** Inputs whose change means another rock: a new resource. */
export const LUA_PACKAGE_REPLACE_KEYS = ["target", "name", "tree", "luaVersion"] as const;
/** Inputs applied in place, compared as values (credentials, host key pin, servers, deadlines). */
const UPDATE_KEYS = ["target", "servers", "timeouts"] as const;

/** The diff of a LuaPackage: `olds` are the old outputs, `news` the checked inputs. */
export function diffLuaPackage(olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.DiffResult {
  const old = reveal<Record<string, unknown>>(olds);
  const next = reveal<Record<string, unknown>>(news);
  const replaces = LUA_PACKAGE_REPLACE_KEYS.filter((key) => {
    const [before, after] = key === "target" ? [targetIdentity(old.target), targetIdentity(next.target)] : [old[key], next[key]];
    return isUnknown(after) || !sameValue(before, after);
  });
  const updates: string[] = UPDATE_KEYS.filter((key) => !replaces.includes(key as never) && (isUnknown(next[key]) || !sameValue(old[key], next[key])));
  if (versionChanged(old, next)) updates.push(next.version !== undefined ? "version" : "constraint");
  // The same rock under another spelling of its place ("user" vs its path, a host name vs its
  // address) may be the very files the new resource installs: delete first, then install.
  const deleteBeforeReplace = replaces.length > 0 && !replaces.includes("name");
  return { changes: replaces.length + updates.length > 0, replaces: [...replaces], deleteBeforeReplace };
}

/** What names the machine (not how we log in or trust it): kind, and host/port/user for SSH. */
function targetIdentity(target: unknown): unknown {
  if (target === UNKNOWN) return UNKNOWN;
  const spec = target as Record<string, unknown> | undefined;
  if (spec === null || typeof spec !== "object") return spec;
  if (spec.kind !== "ssh") return { kind: spec.kind };
  return { kind: spec.kind, host: spec.host, port: spec.port, username: spec.username };
}

/** True when the new version/constraint is unknown or the installed version does not satisfy it. */
function versionChanged(old: Record<string, unknown>, next: Record<string, unknown>): boolean {
  if (isUnknown(next.version) || isUnknown(next.constraint)) return true;
  if (typeof old.installedVersion !== "string") return true;
  return !satisfiesRequest(old.installedVersion, next as { version?: string; constraint?: string });
}
