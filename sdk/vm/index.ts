/** The VM factory and manager: Lua VMs (local or XCP-ng), clusters, broadcast and LuaSocket helpers. */
export { createVm, type VmSpec } from "./create-vm";
export { createLocalVm, type LocalVmSpec } from "./local-vm";
export { createXcpngVm, type XcpngVmSpec, type XcpngConnection } from "./xcpng/lua-vm";
export { VmManager, type VmManagerOptions, type ManagedExecOptions, type BroadcastEntry, type ManagerSignalOptions } from "./manager";
export { VmSessionRegistry, type VmSessionInfo, type VmSessionOptions } from "./session-registry";
export { ClusterCreateError, type ClusterFailure } from "./cluster-error";
export { idMatcher } from "./pattern";
export { onTerminationSignals, type SignalCleanupOptions } from "./signal-cleanup";
export { scopedTarget, type TargetScope } from "./scoped-target";
export { treeLuaPathEnv } from "./lua-paths";
export { validateVmId, VM_ID_PATTERN } from "./vm-id";
export type { LuaVM, LuaVmPackages, VmDescription, VmExecOptions, VmExecResult, VmState, VmType } from "./types";
export * from "./luasocket";
