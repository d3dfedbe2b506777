import type { Target } from "../target/types";
import { remainingOf, withDeadline, type DeadlineInput } from "../base/deadline";
import { WaitError } from "../base/errors";
import { LuaSessionError } from "./errors";
import { persistTopLevelLocals } from "./persist-locals";
import { encodeSessionRequest } from "./session-frames";
import { SessionWorker } from "./session-worker";

const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** Options for {@link LuaRunner.openSession}. */
export interface LuaSessionOptions {
  /** Default per-call deadline in milliseconds (60 000 when not given). */
  timeoutMs?: number;
}

/** Options for one {@link LuaSession.eval} call. */
export interface LuaEvalOptions {
  /** Deadline for this call (a Deadline, or milliseconds from now); on expiry the process is killed (state lost). */
  deadline?: DeadlineInput;
  /** Abort kills the process like a timeout does. */
  signal?: AbortSignal;
}

/** What one session call produced. A Lua error is a result (ok: false), not an exception. */
export interface LuaEvalResult {
  /** false when the code did not compile or raised an error. */
  ok: boolean;
  /** The returned values, each through tostring ("nil" for nil); empty on error. */
  values: string[];
  /** What print, io.write and io.stdout wrote during this call. */
  stdout: string;
  /** What io.stderr received during this call. */
  stderr: string;
  /** Error message and traceback when ok is false. */
  error?: string;
}

/**
 * A persistent Lua process on a target. Calls run one at a time in order; globals and top-level
 * locals (`local x = 1`, `local function f`) persist between calls, and an expression such as
 * `x + 1` returns its value. Stdin is the request channel: io.read sees end of file.
 * A call rejects with {@link LuaSessionError} on timeout/abort (the process is killed), on process
 * death (os.exit, crash) or after close; the next call then starts a fresh process.
 */
export class LuaSession {
  private worker?: Promise<SessionWorker>;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /**
   * Use {@link LuaRunner.openSession} rather than this constructor.
   * @param target where the process runs
   * @param interpreter Lua command or path
   * @param options default per-call timeout
   */
  constructor(
    private readonly target: Target,
    private readonly interpreter: string,
    private readonly options: LuaSessionOptions = {},
  ) {}

  /** Runs code in the session (after any earlier calls finish). */
  eval(code: string, options: LuaEvalOptions = {}): Promise<LuaEvalResult> {
    const result = this.queue.then(() => this.runOne(code, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the process; pending and later calls reject with reason "closed". */
  async close(): Promise<void> {
    this.closed = true;
    await this.discardWorker();
  }

  private async runOne(code: string, options: LuaEvalOptions): Promise<LuaEvalResult> {
    if (this.closed) throw this.closedError();
    const request = encodeSessionRequest(persistTopLevelLocals(code));
    const what = `${this.target.description}: Lua session (${this.interpreter}) call`;
    const timeoutMs = remainingOf(options.deadline ?? this.options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, what)!;
    try {
      const callError = (_what: string, reason: WaitError["reason"], waitedMs: number) =>
        new WaitError(what, reason, waitedMs, { message: reason === "timeout" ? `${what} timed out after ${timeoutMs} ms` : `${what} was aborted` });
      const frame = await withDeadline({ deadline: timeoutMs, signal: options.signal }, what, async () => (await this.startedWorker()).request(request), callError);
      return { ok: frame.ok, values: frame.values, stdout: frame.stdout, stderr: frame.stderr, ...(frame.ok ? {} : { error: frame.error }) };
    } catch (error) {
      if (this.closed) throw this.closedError();
      if (error instanceof WaitError) {
        await this.discardWorker();
        throw new LuaSessionError(
          error.reason,
          `${error.message}; the Lua process was killed and the next call starts a fresh one, so globals and locals are lost`,
        );
      }
      if (error instanceof LuaSessionError) this.worker = undefined;
      throw error;
    }
  }

  private startedWorker(): Promise<SessionWorker> {
    if (!this.worker) {
      const starting = SessionWorker.start(this.target, this.interpreter);
      starting.catch(() => {
        if (this.worker === starting) this.worker = undefined;
      });
      this.worker = starting;
    }
    return this.worker;
  }

  private async discardWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    try {
      await (await worker).kill();
    } catch {
      // It never started or is already gone: nothing left to stop.
    }
  }

  private closedError(): LuaSessionError {
    return new LuaSessionError("closed", `${this.target.description}: Lua session (${this.interpreter}) is closed`);
  }
}
