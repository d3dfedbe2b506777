/** LuaPackage outputs: the inputs as given (secret envelopes kept), plus what is installed where and whether its modules load. */
import { compact } from "../../runtime/inputs";
import { LUA_PACKAGE_INPUT_KEYS, type LuaPackageInputs } from "./inputs";

/** Whether every module of the installed rock loads, and `<module>: <Lua error>` for each that does not. */
export interface PackageHealth {
  healthy: boolean;
  healthProblems: string[];
}

/** LuaPackage state: the inputs, plus what is installed where and whether it loads. */
export interface LuaPackageOutputs extends LuaPackageInputs, Partial<PackageHealth> {
  /** The version installed in the tree ("1.0-1"). */
  installedVersion: string;
  /** The tree's root directory on the target. */
  treePath: string;
}

/** Outputs = the inputs as given (secret envelopes kept) + what is installed where (+ its health, when checked). */
export function outputsOf(inputs: Record<string, unknown>, installedVersion: string, treePath: string, health?: Partial<PackageHealth>): Record<string, unknown> {
  return compact({ ...inputsOf(inputs), installedVersion, treePath, healthy: health?.healthy, healthProblems: health?.healthProblems });
}

/** The inputs held in outputs (for read): the LuaPackage input keys only. */
export function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
  return compact(Object.fromEntries(LUA_PACKAGE_INPUT_KEYS.map((key) => [key, props[key]])));
}
