/** Declarative environment files: parse and validate (with file:line:column messages), then plan resources. */
export type {
  EnvironmentSpec,
  ConnectionSpec,
  NetworkSpec,
  EnvVmSpec,
  EnvVmDiskSpec,
  EnvVmTimeouts,
  EnvVmOptions,
  VmNetworkSpec,
  SshSpec,
  LocalLuaSpec,
  PackageSpec,
  PackageRule,
  CloudInitSpec,
  CloudInitNicSpec,
  CloudInitFileSpec,
  ProfileSpec,
  SecretRef,
  ValueOrRef,
} from "./types";
export { EnvironmentError, formatIssue, type EnvironmentIssue, type SourcePosition } from "./errors";
export { checkEnvironment, MAX_ENVIRONMENT_FILE_BYTES, type EnvironmentCheck, type LockText } from "./validate";
export { parseEnvironment, loadEnvironmentFile, type LoadedEnvironment, type LoadOptions } from "./load";
export { formatLock, lockFileOf, lockedDependencies, parseLock, type EnvironmentLock, type LockCheck } from "./lock";
export { lockEnvironmentFile, resolvePackages, type LockOptions } from "./lock-resolve";
export { environmentSchema } from "./schema-check";
export {
  planEnvironment,
  vmResourceName,
  type ResourcePlan,
  type ResourceKind,
  type OutputRef,
  type ConnectionArgs,
  type PlannedArgs,
  type PlannedOutputs,
  type VmNetworkPlanArgs,
  type LocalLuaPlanArgs,
  type XcpngLuaVmPlanArgs,
  type LuaPackagePlanArgs,
} from "./plan";
export { expandVms, selectInstances, type VmInstance } from "./instances";
