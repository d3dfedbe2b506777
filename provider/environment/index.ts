/** Environment files as Pulumi programs: deploy a validated environment, or run the whole `bioxen:environment` program. */
export { deployEnvironment, MissingReferenceError, type DeployEnvironmentOptions, type EnvironmentResource } from "./deploy";
export { runEnvironmentProgram, ENVIRONMENT_CONFIG_KEY, type EnvironmentProgramOptions, type EnvironmentOutputs } from "./program";
export { missingReferences, referenceValue, isSecretRef, type MissingReference, type ReferenceSources } from "./references";
export { resolveArgs, isOutputRef, type ResolveContext } from "./resolve-args";
