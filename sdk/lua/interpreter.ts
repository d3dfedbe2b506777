import type { Target } from "../target/types";
import { LuaInterpreterNotFoundError } from "./errors";

/** The interpreter a runner uses and the Lua it speaks. */
export interface LuaVersionInfo {
  /** Name or path as it is invoked, e.g. "lua5.4" or "/opt/lua/bin/lua". */
  interpreter: string;
  /** Release of the interpreter: "5.4.6" for PUC Lua, "2.1.0-beta3" for LuaJIT. */
  version: string;
  /** Language version, "5.1" … "5.4" (LuaJIT speaks 5.1). */
  languageVersion: string;
}

/** Interpreters tried, in order, when none is named. */
export const DEFAULT_LUA_INTERPRETERS: readonly string[] = ["lua5.4", "lua", "lua5.3", "lua5.1", "luajit"];

const INTERPRETER_PATTERN = /^[A-Za-z0-9_./+-]+$/;
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Reads the banner `lua -v` prints ("Lua 5.4.6  Copyright …", "LuaJIT 2.1.0-beta3 -- …").
 * @returns undefined when the text is not a Lua banner
 */
export function parseLuaBanner(interpreter: string, banner: string): LuaVersionInfo | undefined {
  const jit = /LuaJIT (\S+)/.exec(banner);
  if (jit) return { interpreter, version: jit[1], languageVersion: "5.1" };
  const lua = /\bLua (\d+\.\d+)(\.\d+)?/.exec(banner);
  if (lua) return { interpreter, version: lua[1] + (lua[2] ?? ""), languageVersion: lua[1] };
  return undefined;
}

/** Throws unless `interpreter` is a plain command name or path (no spaces, quotes or options). */
export function assertInterpreterName(interpreter: string): void {
  if (!INTERPRETER_PATTERN.test(interpreter) || interpreter.startsWith("-")) {
    throw new Error(
      `Lua interpreter ${JSON.stringify(interpreter)} is not a valid command name or path ` +
        `(allowed: letters, digits and _ . / + -, not starting with -)`,
    );
  }
}

/**
 * Finds the interpreter to use on a target: the requested one, or the first of
 * {@link DEFAULT_LUA_INTERPRETERS} that runs, and reports its version.
 * @throws LuaInterpreterNotFoundError when none runs
 */
export async function detectLuaInterpreter(
  target: Target,
  requested: string | undefined,
  signal?: AbortSignal,
): Promise<LuaVersionInfo> {
  const candidates = requested === undefined ? DEFAULT_LUA_INTERPRETERS : [requested];
  candidates.forEach(assertInterpreterName);
  for (const candidate of candidates) {
    const found = await probe(target, candidate, signal);
    if (found) return found;
  }
  throw new LuaInterpreterNotFoundError(target.description, candidates);
}

/** Runs `<candidate> -v`; undefined when the program does not exist on the target. */
async function probe(target: Target, candidate: string, signal?: AbortSignal): Promise<LuaVersionInfo | undefined> {
  const result = await target.exec([candidate, "-v"], { deadline: PROBE_TIMEOUT_MS, signal });
  if (result.exitCode === 127 || result.exitCode === 126) return undefined; // every target: not found / not executable
  const banner = `${result.stdout}\n${result.stderr}`; // 5.1 prints its banner on stderr
  const info = parseLuaBanner(candidate, banner);
  if (info) return info;
  throw new Error(
    `${target.description}: ${JSON.stringify(candidate)} -v did not print a Lua banner ` +
      `(exit ${result.exitCode ?? result.signal}${result.timedOut ? ", timed out" : ""}): ${banner.trim().slice(0, 200)}`,
  );
}
