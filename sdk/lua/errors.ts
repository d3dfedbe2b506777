/** No usable Lua interpreter on a target (the requested one, or none of the defaults). */
export class LuaInterpreterNotFoundError extends Error {
  /** Stable code for programs: "LUA_INTERPRETER_NOT_FOUND". */
  readonly code = "LUA_INTERPRETER_NOT_FOUND";
  /**
   * @param target the target's description
   * @param tried the interpreter names or paths that were probed
   */
  constructor(
    readonly target: string,
    readonly tried: readonly string[],
  ) {
    super(
      `${target}: no Lua interpreter found (tried ${tried.join(", ")}); install one ` +
        `(e.g. apt-get install lua5.4) or pass { interpreter: "/path/to/lua" }`,
    );
    this.name = "LuaInterpreterNotFoundError";
  }
}

/** Why a session call failed without a Lua-level result. */
export type LuaSessionFailure = "timeout" | "aborted" | "exited" | "closed";

/**
 * A session call that produced no result: it timed out or was aborted (the process was killed),
 * the Lua process died (os.exit, crash), or the session was closed. After "timeout", "aborted"
 * and "exited" the next call starts a fresh process: globals and locals are lost.
 */
export class LuaSessionError extends Error {
  /**
   * @param reason what happened
   * @param message full explanation with context
   */
  constructor(
    readonly reason: LuaSessionFailure,
    message: string,
  ) {
    super(message);
    this.name = "LuaSessionError";
  }
}
