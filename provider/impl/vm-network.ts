/**
 * The module the provider host loads by the path serialized into the state
 * (`bioxen-luavm/provider/impl/vm-network`, see ../shim.ts). It stays here; the code is in ./vm-network/.
 */
export * from "./vm-network/operations";
