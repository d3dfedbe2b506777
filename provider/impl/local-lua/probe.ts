/**
 * What LocalLua reports about the developer's machine: the interpreter (found like LuaRunner
 * finds it), its absolute path and Lua version, and the LUA_PATH / LUA_CPATH strings that make
 * `require` see the project's rocks tree.
 */
import { access, constants } from "node:fs/promises";
import * as path from "node:path";
import { LuaRunner } from "../../../sdk/lua";
import { validateLuaVersion, type LuaVersion } from "../../../sdk/rocks";
import { localTarget } from "../../../sdk/target";

/** The interpreter LocalLua found. */
export interface LocalInterpreter {
  /** Absolute path of the interpreter program. */
  interpreterPath: string;
  /** Language version luarocks installs for ("5.1" … "5.4"). */
  luaVersion: LuaVersion;
  /** Release the interpreter reports ("5.4.6", "2.1.0-beta3"). */
  interpreterVersion: string;
}

/**
 * Finds `requested` (or the default interpreters in order) on this machine and reports it.
 * @throws LuaInterpreterNotFoundError when none runs; Error when its version is not one luarocks supports
 */
export async function probeLocalInterpreter(requested: string | undefined, signal?: AbortSignal): Promise<LocalInterpreter> {
  const info = await new LuaRunner(localTarget(), { interpreter: requested }).version({ signal });
  let luaVersion: LuaVersion;
  try {
    luaVersion = validateLuaVersion(info.languageVersion);
  } catch {
    throw new Error(`LocalLua: ${info.interpreter} speaks Lua ${info.languageVersion}, which luarocks 3 cannot target; choose another interpreter`);
  }
  return { interpreterPath: await absoluteProgramPath(info.interpreter), luaVersion, interpreterVersion: info.version };
}

/** `LUA_PATH` for modules installed in `tree` for `luaVersion`, then Lua's defaults (`;;`). */
export function luaPathFor(tree: string, luaVersion: string): string {
  const share = `${tree}/share/lua/${luaVersion}`;
  return `${share}/?.lua;${share}/?/init.lua;;`;
}

/** `LUA_CPATH` for C modules installed in `tree` for `luaVersion`, then Lua's defaults (`;;`). */
export function luaCPathFor(tree: string, luaVersion: string): string {
  return `${tree}/lib/lua/${luaVersion}/?.so;;`;
}

/** A program name looked up on PATH the way a shell does (paths with "/" are resolved as given). */
async function absoluteProgramPath(program: string): Promise<string> {
  if (program.includes("/")) return path.resolve(program);
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.resolve(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error(`LocalLua: ${program} runs but was not found on PATH (${process.env.PATH ?? ""}); pass interpreter as an absolute path`);
}
