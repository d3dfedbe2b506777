/**
 * The module the provider host loads by the path serialized into the state
 * (`bioxen-luavm/provider/impl/lua-package`, see ../shim.ts). It stays here; the code is in ./lua-package/.
 */
export * from "./lua-package/operations";
