/**
 * The `target` LocalLua outputs: the shared `{ kind: "local" }` TargetSpec, extended with the
 * project tree and Lua version so a LuaPackage given only `target` installs where LocalLua's
 * `luaPath` looks. Extra keys are ignored by `targetFor` and accepted by `checkTargetSpec`.
 */
import { validateLuaVersion, validateTreePath, type LuaVersion } from "../../sdk/rocks";
import { failure, isUnknown, reveal, shown, type CheckFailure } from "./inputs";
import type { TargetSpec } from "./ssh-target";

/** A local TargetSpec that may name the rocks tree and Lua version to use by default. */
export interface LocalTargetSpec {
  kind: "local";
  /** Absolute rocks tree a LuaPackage uses when it gives no `tree`. */
  tree?: string;
  /** Lua version a LuaPackage installs for when it gives no `luaVersion`. */
  luaVersion?: LuaVersion;
}

/** What a LuaPackage's `target` may be: any shared TargetSpec, or a LocalLua's richer local one. */
export type PackageTargetSpec = TargetSpec | LocalTargetSpec;

/** Check failures for the LocalLua extras (`tree`, `luaVersion`) of a local target spec. */
export function checkLocalTargetExtras(property: string, value: unknown): CheckFailure[] {
  if (isUnknown(value)) return [];
  const spec = reveal<Record<string, unknown>>(value);
  if (spec === null || typeof spec !== "object" || spec.kind !== "local") return [];
  const failures: CheckFailure[] = [];
  if (spec.tree !== undefined && !isUnknown(spec.tree)) {
    try {
      validateTreePath(spec.tree);
    } catch {
      failures.push(failure(`${property}.tree`, `must be an absolute path of portable characters, got ${shown(spec.tree)}`));
    }
  }
  if (spec.luaVersion !== undefined && !isUnknown(spec.luaVersion)) {
    try {
      validateLuaVersion(spec.luaVersion);
    } catch (error) {
      failures.push(failure(`${property}.luaVersion`, `${(error as Error).message}, got ${shown(spec.luaVersion)}`));
    }
  }
  return failures;
}
