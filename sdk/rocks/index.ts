/** LuaRocks on a target: install, upgrade, downgrade, remove and list rocks in one tree, with validated inputs. */
export { LuaRocks, type LuaRocksOptions, type RockOperationOptions, type InstallOptions, type RemoveOptions, type HealthCheckOptions } from "./luarocks";
export { LuaRocksError, RockInputError, STDERR_TAIL_CHARS, type LuaRocksFailure } from "./errors";
export type { RockTree } from "./tree";
export type { InstalledRock, AvailableRock } from "./porcelain";
export { healthProblems, type RockHealth, type ModuleHealth } from "./health";
export {
  validateRockName,
  validateRockVersion,
  validateConstraint,
  validateServer,
  validateTreePath,
  validateCommand,
  validateLuaVersion,
  LUA_VERSIONS,
  CONSTRAINT_OPERATORS,
  type LuaVersion,
  type ConstraintTerm,
} from "./validate";
export { parseVersion, compareVersions, versionsEqual, satisfiesConstraint, highestVersion, requestTerms, type ParsedVersion } from "./versions";
