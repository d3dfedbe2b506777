/**
 * LocalLua dynamic-provider implementation: the developer's own machine as a Lua target. It finds
 * the interpreter, makes the project's rocks tree, and reports paths, Lua version and a local
 * TargetSpec. The tree is deleted only when this resource created it (`createdTree`).
 * Loaded in the provider host as `bioxen-luavm/provider/impl/local-lua`.
 */
import { mkdir, rm, rmdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { reveal } from "../../runtime/inputs";
import type { LocalLuaInputs } from "./inputs";
import { inputsOf, outputsOf, type LocalLuaOutputs } from "./outputs";
import { probeLocalInterpreter } from "./probe";

export { configure } from "../../runtime/config";
export { check } from "./inputs";
export { diff } from "./diff";

/**
 * Probes the interpreter, then creates the tree if missing; id = the tree path. The tree is the
 * last step and nothing follows it, so a create either returns or has made nothing (makeTree).
 */
export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = reveal<LocalLuaInputs>(raw);
  const found = await probeLocalInterpreter(inputs.interpreter);
  const createdTree = !(await isDirectory(inputs.tree));
  await makeTree(inputs.tree);
  return { id: inputs.tree, outs: outputsOf(inputs, found, createdTree) };
}

/**
 * `mkdir -p tree`. When it fails part-way (a parent made, the tree itself refused), the folders
 * this call made are removed again, deepest first; the error names any that could not be.
 */
async function makeTree(tree: string): Promise<void> {
  const missing: string[] = [];
  for (let path = tree; !(await exists(path)) && dirname(path) !== path; path = dirname(path)) missing.push(path);
  try {
    await mkdir(tree, { recursive: true });
  } catch (error) {
    const left: string[] = [];
    for (const path of missing) if (await exists(path)) await rmdir(path).catch(() => left.push(path));
    const cleanup = left.length === 0 ? "the folders made were removed again" : `remove by hand the folders it made: ${left.join(", ")}`;
    throw new Error(`LocalLua: could not create the rocks tree ${tree}: ${(error as Error).message}; ${cleanup}`, { cause: error });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Gone when the tree folder is gone; otherwise the interpreter is probed again. */
export async function read(id: string, raw: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const props = reveal<LocalLuaOutputs>(raw);
  if (!(await isDirectory(props.treePath ?? id))) return {};
  const found = await probeLocalInterpreter(props.interpreter);
  const outs = outputsOf(props, found, props.createdTree === true);
  return { id, props: outs, inputs: inputsOf(outs) };
}

/** Re-probes the interpreter (the tree is unchanged: a tree change is a replace) and returns full outputs. */
export async function update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = reveal<LocalLuaInputs>(news);
  const found = await probeLocalInterpreter(inputs.interpreter);
  await mkdir(inputs.tree, { recursive: true });
  return { outs: outputsOf(inputs, found, reveal<LocalLuaOutputs>(olds).createdTree === true) };
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

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new Error(`LocalLua: cannot inspect ${path}: ${(error as Error).message}`, { cause: error });
  }
}
