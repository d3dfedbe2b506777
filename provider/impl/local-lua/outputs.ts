/** LocalLua outputs: the normalised inputs plus what was found (interpreter, Lua version) and made (the tree). */
import { compact } from "../../runtime/inputs";
import type { LocalTargetSpec } from "../../runtime/local-target";
import type { LocalLuaInputs } from "./inputs";
import { luaCPathFor, luaPathFor, type LocalInterpreter } from "./probe";

/** LocalLua state: normalised inputs plus what was found and made. */
export interface LocalLuaOutputs extends LocalLuaInputs {
  /** Absolute path of the interpreter. */
  interpreterPath: string;
  /** Language version ("5.1" … "5.4"). */
  luaVersion: string;
  /** Release the interpreter reports ("5.4.6"). */
  interpreterVersion: string;
  /** The rocks tree (= `tree`). */
  treePath: string;
  /** LUA_PATH that finds the tree's Lua modules, then the defaults. */
  luaPath: string;
  /** LUA_CPATH that finds the tree's C modules, then the defaults. */
  luaCPath: string;
  /** Target for LuaPackage and for running scripts: local, with this tree and Lua version. */
  target: LocalTargetSpec;
  /** True when this resource made the tree folder (so delete removes it). */
  createdTree: boolean;
}

/** Outputs: the normalised inputs plus the interpreter found, the tree and the paths and target for it. */
export function outputsOf(inputs: LocalLuaInputs, found: LocalInterpreter, createdTree: boolean): LocalLuaOutputs {
  return compact({
    interpreter: inputs.interpreter,
    projectDir: inputs.projectDir,
    tree: inputs.tree,
    interpreterPath: found.interpreterPath,
    luaVersion: found.luaVersion,
    interpreterVersion: found.interpreterVersion,
    treePath: inputs.tree,
    luaPath: luaPathFor(inputs.tree, found.luaVersion),
    luaCPath: luaCPathFor(inputs.tree, found.luaVersion),
    target: { kind: "local" as const, tree: inputs.tree, luaVersion: found.luaVersion },
    createdTree,
  });
}

/** The inputs held in outputs (for read). */
export function inputsOf(outs: LocalLuaOutputs): Record<string, unknown> {
  return compact({ interpreter: outs.interpreter, projectDir: outs.projectDir, tree: outs.tree });
}
