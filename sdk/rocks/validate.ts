import { maskUrlCredentials } from "../base/mask-credentials";
import { RockInputError } from "./errors";

/**
 * Rock names as luarocks.org and the luarocks CLI use them: luarocks lower-cases names and its
 * dependency grammar allows `[a-zA-Z0-9][a-zA-Z0-9._-]*`; we accept the canonical lower-case form
 * only. Names ending in ".rock"/".rockspec" are refused because luarocks would treat them as files.
 */
const ROCK_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * A luarocks version: alphanumeric parts separated by dots, optionally a "-<revision>" suffix
 * ("1.2", "1.2-1", "2.0.0rc1-3", "scm-1"). Rockspecs require `[%w.]+-%d+`; install also takes the
 * version without revision.
 */
const ROCK_VERSION = /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*(-[0-9]+)?$/;

/** The operators luarocks understands in dependency constraints. */
export const CONSTRAINT_OPERATORS = ["==", "~=", "<=", ">=", "<", ">", "~>"] as const;

/** One parsed "op version" term of a constraint. */
export interface ConstraintTerm {
  op: (typeof CONSTRAINT_OPERATORS)[number];
  version: string;
}

const CONSTRAINT_TERM = /^ *(==|~=|<=|>=|<|>|~>) *([^ ]+) *$/;

/** Absolute POSIX path made of portable characters, no "." or ".." segments, no "//". */
const SAFE_ABSOLUTE_PATH = /^(\/[A-Za-z0-9._+-]+)+\/?$|^\/$/;

/** http(s)/file URL of plain characters: no quotes, spaces, `$`, `;`, backticks, credentials or queries. */
const SAFE_SERVER_URL = /^(https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?|file:\/\/)(\/[A-Za-z0-9._~%+-]*)*$/;

/** A command name or absolute path for the luarocks executable. */
const SAFE_COMMAND = /^(\/?[A-Za-z0-9_+][A-Za-z0-9._+-]*)(\/[A-Za-z0-9_+][A-Za-z0-9._+-]*)*$/;

/** The Lua versions luarocks 3 can target. */
export const LUA_VERSIONS = ["5.1", "5.2", "5.3", "5.4"] as const;

/** A Lua version luarocks can target. */
export type LuaVersion = (typeof LUA_VERSIONS)[number];

/** Throws {@link RockInputError} unless `name` is a valid rock name; returns it. */
export function validateRockName(name: unknown, field = "name"): string {
  if (typeof name !== "string" || !ROCK_NAME.test(name) || /\.rock(spec)?$/.test(name)) {
    throw new RockInputError(
      field,
      name,
      "a rock name is 1-100 characters of lower-case letters, digits, '.', '-' and '_', starting with a letter or digit",
    );
  }
  return name;
}

/** Throws {@link RockInputError} unless `version` is a luarocks version ("1.2" or "1.2-1"); returns it. */
export function validateRockVersion(version: unknown, field = "version"): string {
  if (typeof version !== "string" || version.length > 64 || !ROCK_VERSION.test(version)) {
    throw new RockInputError(
      field,
      version,
      'a version is dot-separated letters/digits with an optional "-<revision>", e.g. "1.2" or "1.2-1"',
    );
  }
  return version;
}

/**
 * Parses a constraint such as ">= 1.0, < 2" into terms; throws {@link RockInputError} when any
 * term is not "<op> <version>" with an op among `== ~= < > <= >= ~>`.
 */
export function validateConstraint(constraint: unknown, field = "constraint"): ConstraintTerm[] {
  const rule = `a constraint is comma-separated "<op> <version>" terms with op one of ${CONSTRAINT_OPERATORS.join(" ")}, e.g. ">= 1.0, < 2"`;
  if (typeof constraint !== "string" || constraint.length > 200) throw new RockInputError(field, constraint, rule);
  return constraint.split(",").map((term) => {
    const match = CONSTRAINT_TERM.exec(term);
    if (!match || !ROCK_VERSION.test(match[2])) throw new RockInputError(field, constraint, rule);
    return { op: match[1] as ConstraintTerm["op"], version: match[2] };
  });
}

/** Throws {@link RockInputError} unless `server` is an http(s)/file URL or an absolute path; returns it. */
export function validateServer(server: unknown, field = "server"): string {
  const ok =
    typeof server === "string" &&
    server.length <= 500 &&
    (SAFE_SERVER_URL.test(server) ? !server.split("/").slice(3).some(isDotSegment) : isSafeAbsolutePath(server));
  if (!ok) {
    throw new RockInputError(
      field,
      typeof server === "string" ? maskUrlCredentials(server) : server,
      "a server is an http(s):// or file:// URL (host, port and path of plain characters, no credentials or query) or an absolute path",
    );
  }
  return server;
}

/** Throws {@link RockInputError} unless `path` is an absolute path of portable characters; returns it. */
export function validateTreePath(path: unknown, field = "tree.path"): string {
  if (typeof path !== "string" || path.length > 500 || !isSafeAbsolutePath(path)) {
    throw new RockInputError(
      field,
      path,
      "a tree path is absolute and made of letters, digits, '.', '_', '+', '-' and '/' (no '.' or '..' segments)",
    );
  }
  return path;
}

/** Throws {@link RockInputError} unless `command` is a plain command name or path; returns it. */
export function validateCommand(command: unknown, field = "luarocksCommand"): string {
  if (typeof command !== "string" || command.length > 500 || !SAFE_COMMAND.test(command)) {
    throw new RockInputError(field, command, "a command is a program name or path of letters, digits, '.', '_', '+', '-' and '/'");
  }
  return command;
}

/** Throws {@link RockInputError} unless `version` is one of {@link LUA_VERSIONS}; returns it. */
export function validateLuaVersion(version: unknown, field = "luaVersion"): LuaVersion {
  if (!LUA_VERSIONS.includes(version as LuaVersion)) {
    throw new RockInputError(field, version, `the Lua version is one of ${LUA_VERSIONS.join(", ")}`);
  }
  return version as LuaVersion;
}

function isSafeAbsolutePath(path: string): boolean {
  return SAFE_ABSOLUTE_PATH.test(path) && !path.split("/").some(isDotSegment);
}

function isDotSegment(segment: string): boolean {
  return segment === "." || segment === "..";
}
