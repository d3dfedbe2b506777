/**
 * The module the provider host loads by the path serialized into the state
 * (`bioxen-luavm/provider/impl/xcpng-lua-vm`, see ../shim.ts). It stays here; the code is in ./xcpng-lua-vm/.
 */
export * from "./xcpng-lua-vm/operations";
