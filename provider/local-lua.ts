/**
 * LocalLua: the developer's own machine as a Lua target — the interpreter, a project-local
 * LuaRocks tree, and the paths and target spec to use them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LocalTargetSpec } from "./runtime/local-target";
import { dynamicProvider, implSpecifier } from "./shim";

export type { LocalTargetSpec } from "./runtime/local-target";

/** The one provider instance for every LocalLua (serialized once per program). */
const provider = dynamicProvider(implSpecifier("local-lua"));

/** Inputs of {@link LocalLua}. */
export interface LocalLuaArgs {
  /** Interpreter command or path ("lua5.4", "/opt/lua/bin/lua"); default: the first of lua5.4, lua, lua5.3, lua5.1, luajit found. */
  interpreter?: pulumi.Input<string>;
  /** Project folder (default: the Pulumi program folder); relative paths are resolved against that folder. */
  projectDir?: pulumi.Input<string>;
  /** Rocks tree folder, absolute or relative to `projectDir` (default `<projectDir>/lua_modules`; replace on change). */
  tree?: pulumi.Input<string>;
}

/**
 * Lua on this machine with a project-local rocks tree. Pass `target` to LuaPackage to install
 * into the tree; run scripts with `LUA_PATH=luaPath LUA_CPATH=luaCPath interpreterPath script.lua`.
 * Delete removes the tree only when this resource created it.
 */
export class LocalLua extends pulumi.dynamic.Resource {
  /** The requested interpreter, if any. */
  declare readonly interpreter: pulumi.Output<string | undefined>;
  /** Absolute project folder. */
  declare readonly projectDir: pulumi.Output<string>;
  /** Absolute tree folder (as resolved by check). */
  declare readonly tree: pulumi.Output<string>;
  /** Absolute path of the interpreter found. */
  declare readonly interpreterPath: pulumi.Output<string>;
  /** Lua language version, "5.1" … "5.4". */
  declare readonly luaVersion: pulumi.Output<string>;
  /** Release the interpreter reports, e.g. "5.4.6". */
  declare readonly interpreterVersion: pulumi.Output<string>;
  /** Absolute rocks tree folder. */
  declare readonly treePath: pulumi.Output<string>;
  /** LUA_PATH value finding the tree's Lua modules, then Lua's defaults. */
  declare readonly luaPath: pulumi.Output<string>;
  /** LUA_CPATH value finding the tree's C modules, then Lua's defaults. */
  declare readonly luaCPath: pulumi.Output<string>;
  /** `{ kind: "local", tree, luaVersion }`: the target for LuaPackage. */
  declare readonly target: pulumi.Output<LocalTargetSpec>;
  /** Whether this resource created the tree folder (and so removes it on delete). */
  declare readonly createdTree: pulumi.Output<boolean>;

  /**
   * @param name Pulumi resource name
   * @param args interpreter and folders (all optional)
   * @param opts resource options
   */
  constructor(name: string, args: LocalLuaArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      interpreterPath: undefined,
      luaVersion: undefined,
      interpreterVersion: undefined,
      treePath: undefined,
      luaPath: undefined,
      luaCPath: undefined,
      target: undefined,
      createdTree: undefined,
    };
    super(provider, name, { ...args, ...outputs }, opts, "bioxen", "LocalLua");
  }
}
