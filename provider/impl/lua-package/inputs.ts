/**
 * LuaPackage inputs: the state shape, and validation + defaults for `check` with the sdk/rocks
 * validators (no side effects, no network). Unknown values (preview) pass untouched.
 */
import {
  RockInputError,
  validateConstraint,
  validateLuaVersion,
  validateRockName,
  validateRockVersion,
  validateServer,
  validateTreePath,
  type LuaVersion,
  type RockTree,
} from "../../../sdk/rocks";
import { checkTimeouts, unexpectedKeys } from "../../runtime/checks";
import { failure, isUnknown, reveal, shown, type CheckFailure } from "../../runtime/inputs";
import { checkTargetSpec } from "../../runtime/ssh-target";
import { checkLocalTargetExtras, type PackageTargetSpec } from "../../runtime/local-target";

/** Per-operation deadlines in seconds (Pulumi's customTimeouts never reach dynamic providers). */
export interface LuaPackageTimeouts {
  create?: number;
  update?: number;
  delete?: number;
  /** refresh, SSH dial included (default 20 s) */
  read?: number;
}

/** A rock at an exact version: one of a LuaPackage's locked `dependencies`. */
export interface LockedRock {
  /** The rock's name. */
  name: string;
  /** Its exact version, "1.0-1". */
  version: string;
}

/** LuaPackage inputs after check: `tree` defaulted (from a LocalLua target, else "user"). */
export interface LuaPackageInputs {
  target: PackageTargetSpec;
  name: string;
  version?: string;
  constraint?: string;
  servers?: string[];
  dependencies?: LockedRock[];
  tree: RockTree;
  luaVersion?: LuaVersion;
  timeouts?: LuaPackageTimeouts;
}

/** Every input key LuaPackage accepts. */
export const LUA_PACKAGE_INPUT_KEYS = ["target", "name", "version", "constraint", "servers", "dependencies", "tree", "luaVersion", "timeouts"] as const;

/** The `timeouts` keys LuaPackage understands. */
export const LUA_PACKAGE_TIMEOUT_KEYS = ["create", "update", "delete", "read"] as const;

/** The provider's check: validates every input with the sdk/rocks validators and fills defaults; no network. */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  return checkLuaPackageInputs(news);
}

/** Validates raw LuaPackage inputs and fills in `tree`/`luaVersion` from a LocalLua target. */
function checkLuaPackageInputs(raw: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const news = reveal<Record<string, unknown>>(raw);
  // Values keep their secret envelopes (if any) in the inputs; only defaults are added.
  const inputs: Record<string, unknown> = { ...raw };
  const failures: CheckFailure[] = unexpectedKeys(news, LUA_PACKAGE_INPUT_KEYS);

  if (news.target === undefined) failures.push(failure("target", 'is required: an XcpngLuaVM\'s sshTarget (undefined while that VM is halted), a LocalLua\'s target, or { kind: "ssh", host, port, username, hostKeyFingerprint }'));
  else failures.push(...checkTargetSpec("target", news.target), ...checkLocalTargetExtras("target", news.target));

  if (news.name === undefined) failures.push(failure("name", "is required: the rock's name, e.g. \"luasocket\""));
  else failures.push(...rockCheck("name", news.name, validateRockName));
  if (news.version !== undefined && news.constraint !== undefined) {
    failures.push(failure("constraint", `give either version (${shown(news.version)}) or constraint, not both`));
  }
  failures.push(...rockCheck("version", news.version, validateRockVersion));
  failures.push(...rockCheck("constraint", news.constraint, validateConstraint));
  failures.push(...checkServers(news.servers));
  failures.push(...checkDependencies(news.dependencies));
  failures.push(...checkTree(news.tree));
  failures.push(...rockCheck("luaVersion", news.luaVersion, validateLuaVersion));
  failures.push(...checkTimeouts("timeouts", news.timeouts, LUA_PACKAGE_TIMEOUT_KEYS));

  if (news.target !== undefined && !isUnknown(news.target)) {
    const local = localDefaults(news.target);
    if (news.tree === undefined) inputs.tree = local?.tree === undefined ? "user" : { path: local.tree };
    if (news.luaVersion === undefined && local?.luaVersion !== undefined) inputs.luaVersion = local.luaVersion;
  }
  return { inputs, failures };
}

/** For a local target: the tree and Lua version a LocalLua put in it. */
function localDefaults(target: unknown): { tree?: string; luaVersion?: string } | undefined {
  const spec = target as Record<string, unknown>;
  if (spec === null || typeof spec !== "object" || spec.kind !== "local") return undefined;
  return { tree: typeof spec.tree === "string" ? spec.tree : undefined, luaVersion: typeof spec.luaVersion === "string" ? spec.luaVersion : undefined };
}

/** Runs an sdk/rocks validator on a present, known value and turns its error into a failure. */
function rockCheck(property: string, value: unknown, validate: (value: unknown, field?: string) => unknown): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  try {
    validate(value, property);
    return [];
  } catch (error) {
    if (error instanceof RockInputError) return [failure(property, error.message)];
    throw error;
  }
}

function checkServers(servers: unknown): CheckFailure[] {
  if (servers === undefined || isUnknown(servers)) return [];
  if (!Array.isArray(servers)) return [failure("servers", `must be a list of http(s)/file URLs or absolute paths, got ${shown(servers)}`)];
  if (servers.length === 0) return [failure("servers", "must list at least one server (leave it out to use luarocks' configured servers)")];
  return servers.flatMap((server, i) => rockCheck(`servers[${i}]`, server, validateServer));
}

function checkDependencies(dependencies: unknown): CheckFailure[] {
  if (dependencies === undefined || isUnknown(dependencies)) return [];
  if (!Array.isArray(dependencies)) return [failure("dependencies", `must be a list of { name, version } (exact versions, in install order), got ${shown(dependencies)}`)];
  return dependencies.flatMap((rock: unknown, i) => {
    if (isUnknown(rock)) return [];
    if (rock === null || typeof rock !== "object" || Array.isArray(rock)) return [failure(`dependencies[${i}]`, `must be { name, version }, got ${shown(rock)}`)];
    const { name, version, ...extra } = rock as Record<string, unknown>;
    const unexpected = Object.keys(extra).map((key) => failure(`dependencies[${i}].${key}`, "is not a field of a locked rock (name, version)"));
    const missing = [name === undefined && failure(`dependencies[${i}].name`, "is required"), version === undefined && failure(`dependencies[${i}].version`, "is required (an exact version)")].filter((f): f is CheckFailure => f !== false);
    return [...unexpected, ...missing, ...rockCheck(`dependencies[${i}].name`, name, validateRockName), ...rockCheck(`dependencies[${i}].version`, version, validateRockVersion)];
  });
}

function checkTree(tree: unknown): CheckFailure[] {
  if (tree === undefined || isUnknown(tree) || tree === "system" || tree === "user") return [];
  if (tree !== null && typeof tree === "object" && !Array.isArray(tree)) {
    const extra = Object.keys(tree).filter((key) => key !== "path");
    if (extra.length > 0) return [failure(`tree.${extra[0]}`, 'is not a tree field (a tree is "system", "user" or { path })')];
    return rockCheck("tree.path", (tree as { path?: unknown }).path, validateTreePath).concat(
      (tree as { path?: unknown }).path === undefined ? [failure("tree.path", "is required in { path }")] : [],
    );
  }
  return [failure("tree", `must be "system", "user" or { path: "/absolute/path" }, got ${shown(tree)}`)];
}
