/** LuaPackage outputs: the inputs as given (secret envelopes kept), plus what is installed where. */
import { compact } from "../../runtime/inputs";
import { LUA_PACKAGE_INPUT_KEYS, type LuaPackageInputs } from "./inputs";

/** LuaPackage state: the inputs, plus what is installed and where. */
export interface LuaPackageOutputs extends LuaPackageInputs {
  /** The version installed in the tree ("1.0-1"). */
  installedVersion: string;
  /** The tree's root directory on the target. */
  treePath: string;
}

/** Outputs = the inputs as given (secret envelopes kept) + what is installed where. */
export function outputsOf(inputs: Record<string, unknown>, installedVersion: string, treePath: string): Record<string, unknown> {
  return compact({ ...inputsOf(inputs), installedVersion, treePath });
}

/** The inputs held in outputs (for read): the LuaPackage input keys only. */
export function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
  return compact(Object.fromEntries(LUA_PACKAGE_INPUT_KEYS.map((key) => [key, props[key]])));
}
