/** Attachable Lua sessions: started once on a target, attached, detached and killed by name. */
export { LuaSessionHost, DEFAULT_SESSION_BUFFER_BYTES, type LuaSessionHostOptions, type LuaSessionInfo } from "./host";
export { AttachedSession, type SendResult, type SessionReadOptions } from "./attachment";
export { summarizeEvents, type SessionEvent, type SessionEventType, type SessionOutput } from "./events";
export { SESSION_NAME_PATTERN, validateSessionName, parseSessionId } from "./names";
