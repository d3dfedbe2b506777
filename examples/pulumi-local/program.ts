import * as pulumi from "@pulumi/pulumi";
// Outside this repository: import { LocalLua, LuaPackage } from "bioxen-luavm/provider";
import { LocalLua, LuaPackage } from "../../provider";

/** What the local stack needs: where the bioxen-seq rock is served, and optionally where and which Lua. */
export interface LocalStackSettings {
  /** LuaRocks server holding bioxen-seq (URL or absolute directory; see docs/examples.md). */
  rocksServer: pulumi.Input<string>;
  /** Project folder whose `lua_modules` tree receives the rock (default: the program folder). */
  projectDir?: pulumi.Input<string>;
  /** Interpreter command or path (default: the first of lua5.4, lua, lua5.3, lua5.1, luajit). */
  interpreter?: pulumi.Input<string>;
}

/** The resources of the local stack. */
export interface LocalStack {
  /** Lua on this machine with the project-local tree. */
  lua: LocalLua;
  /** bioxen-seq in that tree. */
  workload: LuaPackage;
}

/** The workload rock and the version every example stack pins. */
export const WORKLOAD_PACKAGE = { name: "bioxen-seq", version: "1.0-1" } as const;

/**
 * The local development stack: Lua on this machine with a project-local rocks tree (LocalLua),
 * and the bioxen-seq workload rock installed into it (LuaPackage).
 */
export function localStack(settings: LocalStackSettings): LocalStack {
  const lua = new LocalLua("lua", { interpreter: settings.interpreter, projectDir: settings.projectDir });
  const workload = new LuaPackage("bioxen-seq", { target: lua.target, ...WORKLOAD_PACKAGE, servers: [settings.rocksServer] });
  return { lua, workload };
}
