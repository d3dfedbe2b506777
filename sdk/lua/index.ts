export { LuaRunner } from "./runner";
export { LuaSession, type LuaEvalOptions, type LuaEvalResult, type LuaSessionOptions } from "./session";
export { LuaInterpreterNotFoundError, LuaSessionError, type LuaSessionFailure } from "./errors";
export { DEFAULT_LUA_INTERPRETERS, parseLuaBanner, type LuaVersionInfo } from "./interpreter";
export { persistTopLevelLocals } from "./persist-locals";
export type { LuaResult, LuaRunOptions, LuaRunnerOptions } from "./types";
export * from "./attachable";
