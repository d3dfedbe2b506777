import { BioxenError } from "../base/errors";

/** How much of a failed command's stderr an error keeps (its end is where luarocks says why). */
export const STDERR_TAIL_CHARS = 2000;

/** What a {@link LuaRocksError} reports about the command that failed. */
export interface LuaRocksFailure {
  /** The operation, e.g. "install", "remove", "list", "search", "config". */
  operation: string;
  /** The rock the operation was about ("" for whole-tree operations such as list). */
  rock: string;
  /** The target's description (never a secret). */
  target: string;
  /** The exit code; null when the command was killed or timed out. */
  exitCode: number | null;
  /** The last {@link STDERR_TAIL_CHARS} characters of stderr. */
  stderrTail: string;
  /** True when our deadline killed the command. */
  timedOut?: boolean;
  /** Replaces "failed (exit code N)" when the command succeeded but its result is wrong. */
  problem?: string;
  /** What to try next. */
  hint?: string;
}

/** A luarocks command failed (non-zero exit, timeout) or its result contradicts what was asked. */
export class LuaRocksError extends BioxenError implements LuaRocksFailure {
  override readonly name = "LuaRocksError";
  /** `BIOXEN_TIMEOUT` when our deadline killed the command, else `BIOXEN_ROCKS`. */
  readonly code: "BIOXEN_ROCKS" | "BIOXEN_TIMEOUT";
  readonly operation: string;
  readonly rock: string;
  readonly target: string;
  readonly exitCode: number | null;
  readonly stderrTail: string;
  readonly timedOut: boolean;

  constructor(failure: LuaRocksFailure, cause?: unknown) {
    const what = failure.rock ? `luarocks ${failure.operation} ${JSON.stringify(failure.rock)}` : `luarocks ${failure.operation}`;
    const how = failure.problem ?? (failure.timedOut ? "timed out" : `failed (exit code ${failure.exitCode ?? "none"})`);
    const tail = failure.stderrTail.trim();
    super(
      `${what} on ${failure.target} ${how}` +
        (tail ? `: ${tail}` : "") +
        (failure.hint ? `\n${failure.hint}` : ""),
      cause === undefined ? undefined : { cause },
    );
    this.operation = failure.operation;
    this.rock = failure.rock;
    this.target = failure.target;
    this.exitCode = failure.exitCode;
    this.stderrTail = failure.stderrTail;
    this.timedOut = failure.timedOut ?? false;
    this.code = this.timedOut ? "BIOXEN_TIMEOUT" : "BIOXEN_ROCKS";
  }
}

/** An argument (rock name, version, constraint, server, tree…) was refused before anything ran. */
export class RockInputError extends BioxenError {
  override readonly name = "RockInputError";
  readonly code = "BIOXEN_ROCK_INPUT" as const;

  /**
   * @param field the option or argument that was wrong, e.g. "name" or "servers[1]"
   * @param value the refused value (shown JSON-quoted so control characters stay visible)
   * @param rule what a valid value looks like
   */
  constructor(
    readonly field: string,
    readonly value: unknown,
    rule: string,
  ) {
    super(`invalid LuaRocks ${field} ${JSON.stringify(value)}: ${rule}`);
  }
}

/** The last {@link STDERR_TAIL_CHARS} characters of a command's stderr. */
export function stderrTail(stderr: string): string {
  return stderr.length > STDERR_TAIL_CHARS ? stderr.slice(-STDERR_TAIL_CHARS) : stderr;
}

/** luarocks answered a configuration question (exit code 0) with something unusable: `problem` says what, `hint` what to do. */
export function unusableConfigError(target: string, hint: string, problem?: string): LuaRocksError {
  return new LuaRocksError({ operation: "config", rock: "", target, exitCode: 0, stderrTail: "", hint, ...(problem === undefined ? {} : { problem }) });
}
