/**
 * bioxen-luavm: Lua virtual machines for biological computation, provisioned as code.
 * The package root exports the SDK (shared base, XAPI client and recipes, SSH, Lua, LuaRocks, targets). The
 * pool simulator is NOT loaded from here (it pulls in a TLS generator and 70-odd modules nobody
 * needs at run time): import it from `bioxen-luavm/sim`.
 */
export * from "./sdk/base";
export * from "./sdk/target";
export * from "./sdk/xapi";
export * from "./sdk/xapi/recipes";
export * from "./sdk/ssh";
export * from "./sdk/lua";
export * from "./sdk/rocks";
export * from "./sdk/vm";
export * from "./sdk/env";
export * from "./sdk/cloud-init";
