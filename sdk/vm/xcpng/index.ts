/** The XCP-ng Lua VM lifecycle (no Pulumi): ensure, update, read, destroy. See README.md. */
export { ensureXcpngLuaVm, updateXcpngLuaVm, readXcpngLuaVm, destroyXcpngLuaVm, type XcpngPriorFacts } from "./lifecycle";
export { XcpngLuaVmError } from "./errors";
export { importXcpngLuaVm, type ImportedVm } from "./import";
export { findXcpngLuaVm, type FoundXcpngLuaVm } from "./find";
export { HOST_KEY_MARKER, hostKeyPolicy } from "./readiness";
export { plannedHardwareChanges, type HardwareChanges } from "./hardware";
export { checkCloudInitSpec, hostnameOf, publicKeyOf, type XcpngCloudInitSpec } from "./cloud-init";
export { defaultDiskName } from "./disks";
export { XcpngPhaseTimeoutError, type XcpngPhase } from "./phases";
export { resolvePlacement, applyPlacement, type Placement } from "./placement";
export type { XcpngLuaVmSpec, XcpngLuaVmState, XcpngNicSpec, XcpngSshSpec, XcpngLifecycleOptions, XcpngDiskSpec, XcpngDiskState, XcpngPhaseTimeouts } from "./types";
