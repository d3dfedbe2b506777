/**
 * The module the provider host loads by the path serialized into the state
 * (`bioxen-luavm/provider/impl/local-lua`, see ../shim.ts). It stays here; the code is in ./local-lua/.
 */
export * from "./local-lua/operations";
