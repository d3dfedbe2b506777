export { LuaPackage, type LuaPackageArgs, type LockedRock, type LuaPackageTree, type LuaPackageTimeouts, type PackageTargetSpec } from "./lua-package";
export { LocalLua, type LocalLuaArgs, type LocalTargetSpec } from "./local-lua";
export { VmNetwork, type VmNetworkArgs, type VmNetworkAttachArgs, type VmNetworkVlanArgs, type VmNetworkTimeoutsArgs, type VmNetworkAttachment } from "./vm-network";
export { XcpngLuaVM, type XcpngLuaVmArgs, type XcpngLuaVmCloudInitArgs, type XcpngLuaVmCloudInitFileArgs, type XcpngLuaVmCloudInitNicArgs, type XcpngLuaVmNetworkArgs, type XcpngLuaVmSshArgs, type XcpngLuaVmTimeoutsArgs } from "./xcpng-lua-vm";
export { deployEnvironment, runEnvironmentProgram, MissingReferenceError, ENVIRONMENT_CONFIG_KEY, type DeployEnvironmentOptions, type EnvironmentProgramOptions, type EnvironmentOutputs, type EnvironmentResource } from "./environment";
