/** The XCP-ng Lua VM lifecycle (no Pulumi): ensure, update, read, destroy. See README.md. */
export { ensureXcpngLuaVm, updateXcpngLuaVm, readXcpngLuaVm, destroyXcpngLuaVm, type XcpngPriorFacts } from "./lifecycle";
export { XcpngLuaVmError } from "./errors";
export { findXcpngLuaVm, type FoundXcpngLuaVm } from "./find";
export { HOST_KEY_MARKER, hostKeyPolicy } from "./readiness";
export { plannedHardwareChanges, type HardwareChanges } from "./hardware";
export type { XcpngLuaVmSpec, XcpngLuaVmState, XcpngNicSpec, XcpngSshSpec, XcpngLifecycleOptions } from "./types";
