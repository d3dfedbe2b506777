export type { ExecOptions, ExecResult, Target, TargetProcess, WriteFileOptions } from "./types";
export { localTarget } from "./local";
