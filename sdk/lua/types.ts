import type { DeadlineInput } from "../base/deadline";
import type { ExecResult } from "../target/types";

/** Options for {@link LuaRunner}. */
export interface LuaRunnerOptions {
  /**
   * "lua5.1", "lua5.3", "lua5.4", "luajit", another command name, or a path. Default: the first of
   * lua5.4, lua, lua5.3, lua5.1, luajit found on the target.
   */
  interpreter?: string;
}

/** Options for one `runChunk`/`runFile` execution. */
export interface LuaRunOptions {
  /** Values of `arg[1..n]` and of the chunk's `...`. */
  args?: readonly string[];
  /** Data the chunk reads with io.read / io.lines. */
  stdin?: string | Buffer;
  /** Extra environment variables (over the target's environment). */
  env?: Record<string, string>;
  /** Working directory on the target. */
  cwd?: string;
  /** Kill the interpreter (and its children) when this passes: a Deadline, or milliseconds from now. Default 600 000 (10 minutes). */
  deadline?: DeadlineInput;
  /** Abort kills the interpreter; the call rejects with an AbortError. */
  signal?: AbortSignal;
  /** Name in error messages and `arg[0]` (runChunk only). Default "chunk". */
  chunkName?: string;
}

/**
 * A finished run: the interpreter's whole stdout (printed output, then the chunk's returned values
 * tab-separated on one line) and stderr ("lua: message" + traceback after an error), its exit code
 * (0 success, 1 Lua error, or the chunk's os.exit code; null if killed), and whether it timed out.
 */
export type LuaResult = ExecResult;
