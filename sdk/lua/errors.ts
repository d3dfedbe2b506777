import { BioxenError } from "../base/errors";

/** No usable Lua interpreter on a target (the requested one, or none of the defaults). */
export class LuaInterpreterNotFoundError extends BioxenError {
  readonly code = "BIOXEN_LUA_NOT_FOUND" as const;
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

/**
 * Why a session call failed without a Lua-level result. The attachable sessions add: "invalid"
 * (a name or option refused before anything ran), "exists" (the name is taken), "unknown" (no
 * such session) and "host" (the target could not start or reach the session).
 */
export type LuaSessionFailure = "timeout" | "aborted" | "exited" | "closed" | "invalid" | "exists" | "unknown" | "host";

/**
 * A session call that produced no result: it timed out or was aborted (the process was killed),
 * the Lua process died (os.exit, crash), or the session was closed. After "timeout", "aborted"
 * and "exited" the next call starts a fresh process: globals and locals are lost.
 */
export class LuaSessionError extends BioxenError {
  /** `BIOXEN_TIMEOUT` or `BIOXEN_ABORTED` for a timeout or abort, else `BIOXEN_LUA_SESSION`. */
  readonly code: "BIOXEN_LUA_SESSION" | "BIOXEN_TIMEOUT" | "BIOXEN_ABORTED";
  /**
   * @param reason what happened
   * @param message full explanation with context
   */
  constructor(
    readonly reason: LuaSessionFailure,
    message: string,
  ) {
    super(message);
    this.code = reason === "timeout" ? "BIOXEN_TIMEOUT" : reason === "aborted" ? "BIOXEN_ABORTED" : "BIOXEN_LUA_SESSION";
    this.name = "LuaSessionError";
  }
}
