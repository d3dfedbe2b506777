/**
 * LuaPackage dynamic-provider implementation: one LuaRocks rock in one tree of a target (SSH
 * host, XcpngLuaVM or LocalLua). Everything goes through sdk/rocks, which validates names and
 * versions and serializes operations per tree. Loaded in the provider host as
 * `bioxen-luavm/provider/impl/lua-package`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { compact, reveal } from "../runtime/inputs";
import { checkLuaPackageInputs, LUA_PACKAGE_INPUT_KEYS, type LuaPackageInputs, type LuaPackageOutputs } from "./lua-package-inputs";
import { diffLuaPackage } from "./lua-package-diff";
import { ensureVersion, rocksFor } from "./lua-package-rocks";

export { configure } from "../runtime/config";

/** Validates every input with the sdk/rocks validators and fills defaults; no network. */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkLuaPackageInputs(news);
}

/** Another machine/name/tree/luaVersion → replace; the same machine at a new address, or a version request the installed version misses → update. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffLuaPackage(olds, news);
}

/** Installs the rock (with its dependencies); id = `<target>:<tree root>/<name>`. */
export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = reveal<LuaPackageInputs>(raw);
  const rocks = rocksFor(inputs, "create");
  const installed = await rocks.install(inputs.name, compact({ version: inputs.version, constraint: inputs.constraint }));
  const treePath = await rocks.treeRoot();
  return { id: `${rocks.target.description}:${treePath}/${inputs.name}`, outs: outputsFor(raw, installed.version, treePath) };
}

/** Notices a removed rock (no id: gone) or another installed version (new `installedVersion`). */
export async function read(id: string, raw: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const props = reveal<LuaPackageOutputs>(raw);
  const rocks = rocksFor(props, "update");
  const installed = await rocks.installed(props.name);
  if (installed === undefined) return {};
  const outs = outputsFor(raw, installed, await rocks.treeRoot());
  return { id, props: outs, inputs: inputsOf(outs) };
}

/**
 * Upgrades or downgrades in place when the installed version misses the request, and follows the
 * same machine to a new address (checks the rock there); returns full outputs, whose `target` is
 * the new one, so a later delete (given these outputs) reaches the machine where it is now.
 */
export async function update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = reveal<LuaPackageInputs>(news);
  const rocks = rocksFor(inputs, "update");
  const installed = await ensureVersion(rocks, inputs);
  return { outs: outputsFor(news, installed.version, await rocks.treeRoot()) };
}

/** Removes every installed version of the rock from the tree (nothing to do when it is already gone). */
async function deleteLuaPackage(_id: string, raw: Record<string, unknown>): Promise<void> {
  const props = reveal<LuaPackageOutputs>(raw);
  await rocksFor(props, "delete").remove(props.name);
}
export { deleteLuaPackage as delete };

/** Outputs = the inputs as given (secret envelopes kept) + what is installed where. */
function outputsFor(inputs: Record<string, unknown>, installedVersion: string, treePath: string): Record<string, unknown> {
  return compact({ ...inputsOf(inputs), installedVersion, treePath });
}

function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
  return compact(Object.fromEntries(LUA_PACKAGE_INPUT_KEYS.map((key) => [key, props[key]])));
}
