/**
 * LocalLua dynamic-provider implementation: the developer's own machine as a Lua target. It finds
 * the interpreter, makes the project's rocks tree, and reports paths, Lua version and a local
 * TargetSpec. The tree is deleted only when this resource created it (`createdTree`).
 * Loaded in the provider host as `bioxen-luavm/provider/impl/local-lua`.
 */
import { mkdir, rm, stat } from "node:fs/promises";
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys, compact, reveal } from "../../runtime/inputs";
import { checkLocalLuaInputs, type LocalLuaInputs } from "./inputs";
import { luaCPathFor, luaPathFor, probeLocalInterpreter } from "./probe";
import type { LocalTargetSpec } from "../../runtime/local-target";

export { configure } from "../../runtime/config";

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

/** Inputs whose change means another tree: a new resource. */
const REPLACE_KEYS = ["tree"] as const;
/** Inputs applied in place (the interpreter is probed again). */
const UPDATE_KEYS = ["interpreter", "projectDir"] as const;

/** Validates inputs and makes `projectDir`/`tree` absolute (relative to the program folder); no side effects. */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkLocalLuaInputs(news);
}

/** Tree change → replace; interpreter or projectDir change → update. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const replaces = changedKeys(olds, news, REPLACE_KEYS);
  const updates = changedKeys(olds, news, UPDATE_KEYS);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

/** Probes the interpreter, then creates the tree if missing; id = the tree path. */
export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = reveal<LocalLuaInputs>(raw);
  const found = await probeLocalInterpreter(inputs.interpreter);
  const createdTree = !(await isDirectory(inputs.tree));
  try {
    await mkdir(inputs.tree, { recursive: true });
  } catch (error) {
    throw new Error(`LocalLua: could not create the rocks tree ${inputs.tree}: ${(error as Error).message}`, { cause: error });
  }
  return { id: inputs.tree, outs: outputsFor(inputs, found, createdTree) };
}

/** Gone when the tree folder is gone; otherwise the interpreter is probed again. */
export async function read(id: string, raw: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const props = reveal<LocalLuaOutputs>(raw);
  if (!(await isDirectory(props.treePath ?? id))) return {};
  const found = await probeLocalInterpreter(props.interpreter);
  const outs = outputsFor(props, found, props.createdTree === true);
  return { id, props: outs, inputs: inputsOf(outs) };
}

/** Re-probes the interpreter (the tree is unchanged: a tree change is a replace) and returns full outputs. */
export async function update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = reveal<LocalLuaInputs>(news);
  const found = await probeLocalInterpreter(inputs.interpreter);
  await mkdir(inputs.tree, { recursive: true });
  return { outs: outputsFor(inputs, found, reveal<LocalLuaOutputs>(olds).createdTree === true) };
}

/** Removes the tree folder, but only when this resource created it. */
async function deleteLocalLua(id: string, raw: Record<string, unknown>): Promise<void> {
  const props = reveal<LocalLuaOutputs>(raw);
  if (props.createdTree !== true) return;
  const tree = props.treePath ?? id;
  try {
    await rm(tree, { recursive: true, force: true });
  } catch (error) {
    throw new Error(`LocalLua: could not remove the rocks tree ${tree} it created: ${(error as Error).message}`, { cause: error });
  }
}
export { deleteLocalLua as delete };

function outputsFor(inputs: LocalLuaInputs, found: Awaited<ReturnType<typeof probeLocalInterpreter>>, createdTree: boolean): LocalLuaOutputs {
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

function inputsOf(outs: LocalLuaOutputs): Record<string, unknown> {
  return compact({ interpreter: outs.interpreter, projectDir: outs.projectDir, tree: outs.tree });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new Error(`LocalLua: cannot inspect ${path}: ${(error as Error).message}`, { cause: error });
  }
}
