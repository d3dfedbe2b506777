export type { ExecOptions, ExecResult, Target, TargetProcess, WriteFileOptions } from "./types";
export { localTarget } from "./local";
export { assertEnvNames, ENV_NAME_PATTERN } from "../base/env";
export { maskUrlCredentials } from "../base/mask-credentials";
