/**
 * bioxen-luavm: Lua virtual machines for biological computation, provisioned as code.
 * The package root exports the SDK (XAPI client and recipes, SSH, Lua, LuaRocks, targets) and
 * the pool simulator's entry point.
 */
export * from "./sdk/target";
export * from "./sdk/xapi";
export * from "./sdk/xapi/recipes";
export * from "./sdk/ssh";
export * from "./sdk/lua";
export * from "./sdk/rocks";
export { startSimulator, type Simulator, type SimulatorOptions } from "./sim";
export * from "./sdk/vm";
export * from "./sdk/env";
export * from "./sdk/cloud-init";
