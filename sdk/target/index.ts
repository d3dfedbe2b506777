export type { ExecOptions, ExecResult, Target, TargetProcess, WriteFileOptions } from "./types";
export { localTarget } from "./local";
export { assertEnvNames, ENV_NAME_PATTERN } from "./env";
export { maskUrlCredentials } from "./mask-credentials";
