/** Deadlines and abort signals for every wait the client does. */
import { timeoutSignal } from "./timeout-signal";
import { XapiWaitError } from "../xapi/errors";

/** What every wait accepts: a deadline and an AbortSignal. */
export interface WaitOptions {
  /**
   * How long to wait, in milliseconds from now. A value above 10^12 is read as an absolute
   * `Date.now()` timestamp instead.
   */
  deadlineMs: number;
  /** Aborts the wait early. */
  signal?: AbortSignal;
}

const ABSOLUTE_THRESHOLD = 1e12;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A running wait: when it started, when it must end, and a signal that fires at either. */
export class Deadline {
  /** `Date.now()` when the wait started */
  readonly startedAt = Date.now();
  /** `Date.now()` value at which the wait gives up */
  readonly endsAt: number;
  /** Fires on the caller's abort or at the deadline, whichever comes first. */
  readonly signal: AbortSignal;
  private readonly callerSignal?: AbortSignal;

  /** @param options the wait's deadline and signal @param what names the awaited thing in errors */
  constructor(
    options: WaitOptions,
    readonly what: string,
  ) {
    if (typeof options.deadlineMs !== "number" || Number.isNaN(options.deadlineMs)) {
      throw new RangeError(`deadlineMs for ${what} must be a number of milliseconds, got ${String(options.deadlineMs)}`);
    }
    this.endsAt = options.deadlineMs > ABSOLUTE_THRESHOLD ? options.deadlineMs : this.startedAt + options.deadlineMs;
    const span = Math.max(0, this.endsAt - this.startedAt);
    // Node timers cannot exceed 2^31-1 ms; longer deadlines (or Infinity) rely on the checks alone.
    this.callerSignal = options.signal;
    this.signal = span <= MAX_TIMER_MS ? timeoutSignal(span, options.signal) : AbortSignal.any(options.signal ? [options.signal] : []);
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** Throws the wait's error if the caller aborted or the deadline passed. */
  check(): void {
    if (this.callerSignal?.aborted || this.remainingMs() === 0 || this.signal.aborted) throw this.error();
  }

  /** The error describing why the wait ended early. */
  error(): XapiWaitError {
    const waited = Date.now() - this.startedAt;
    if (this.callerSignal?.aborted) return new XapiWaitError(this.what, "aborted", waited, this.callerSignal.reason);
    return new XapiWaitError(this.what, "deadline", waited);
  }

  /** This wait's error for an inner call that ended on this wait's deadline or signal. */
  errorFrom(inner: XapiWaitError): XapiWaitError {
    const waited = Date.now() - this.startedAt;
    if (this.callerSignal?.aborted) return new XapiWaitError(this.what, "aborted", waited, this.callerSignal.reason);
    // The inner call sees this wait's timer as its caller's abort; only a client close remains "aborted".
    if (inner.reason === "deadline" || this.signal.aborted) return new XapiWaitError(this.what, "deadline", waited);
    return new XapiWaitError(this.what, "aborted", waited, inner.cause);
  }

  /** Whether the wait has ended early (abort or deadline). */
  expired(): boolean {
    return this.signal.aborted || this.remainingMs() === 0;
  }
}

/**
 * Waits for `promise`, but rejects with the deadline's error as soon as the deadline's signal fires.
 * @param promise work shared with other callers, which must not be cancelled for all of them
 * @param deadline this caller's deadline
 */
export function raceDeadline<T>(promise: Promise<T>, deadline: Deadline): Promise<T> {
  if (deadline.signal.aborted) return Promise.reject(deadline.error());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadline.error());
    deadline.signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        deadline.signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        deadline.signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
