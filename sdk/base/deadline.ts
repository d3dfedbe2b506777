/**
 * Time in the SDK: a {@link Deadline} is the moment a wait must end by, and every wait accepts
 * `{ deadline?, signal? }` ({@link DeadlineOptions}). A caller builds a deadline with
 * `Deadline.in(ms)` (from now) or `Deadline.at(epochMs)` (a `Date.now()` value); a plain number
 * where a deadline is accepted means milliseconds from now, nothing else. A {@link Wait} is one
 * running wait on a deadline and a signal: the one helper that bounds a wait.
 */
import { WaitError, type WaitEnd } from "./errors";
import { linkedSignal, timeoutController } from "./timeout-signal";

/** A deadline, or a number of milliseconds from now. */
export type DeadlineInput = Deadline | number;

/** What every wait accepts: when to give up, and a signal that gives up earlier. */
export interface DeadlineOptions {
  /** When the wait gives up: a {@link Deadline}, or milliseconds from now. */
  deadline?: DeadlineInput;
  /** Aborts the wait early. */
  signal?: AbortSignal;
}

/** {@link DeadlineOptions} of a wait that must have a deadline (the XAPI waits). */
export interface WaitOptions extends DeadlineOptions {
  /** When the wait gives up: a {@link Deadline}, or milliseconds from now. */
  deadline: DeadlineInput;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The moment a wait must end by. */
export class Deadline {
  private constructor(
    /** `Date.now()` value at which the wait gives up (Infinity: never) */
    readonly endsAt: number,
  ) {}

  /** The deadline `ms` milliseconds from now (Infinity: never). */
  static in(ms: number): Deadline {
    return new Deadline(Date.now() + milliseconds(ms, "Deadline.in"));
  }

  /** The deadline at `epochMs`, a `Date.now()` value. */
  static at(epochMs: number): Deadline {
    return new Deadline(milliseconds(epochMs, "Deadline.at"));
  }

  /**
   * The deadline a caller gave: a Deadline as is, a number as milliseconds from now.
   * @param what names the wait in the RangeError thrown for anything else
   */
  static from(value: DeadlineInput | undefined, what: string): Deadline {
    if (value instanceof Deadline) return value;
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new RangeError(`the deadline for ${what} must be a Deadline or a number of milliseconds, got ${String(value)}`);
    }
    return new Deadline(Date.now() + value);
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** Whether the deadline has passed. */
  expired(): boolean {
    return this.remainingMs() === 0;
  }
}

/**
 * The milliseconds a call may take, read once when it starts from its `deadline` option (a
 * {@link Deadline}, or milliseconds from now), at most the longest timer Node can set; undefined
 * when the caller gave none.
 * @param what names the call in the RangeError thrown for a bad value
 */
export function remainingOf(deadline: DeadlineInput | undefined, what: string): number | undefined {
  if (deadline === undefined) return undefined;
  const at = Deadline.from(deadline, what);
  // A number already is the milliseconds from now: through Date.now() and back it could lose one.
  return Math.min(typeof deadline === "number" ? Math.max(0, deadline) : at.remainingMs(), MAX_TIMER_MS);
}

function milliseconds(value: number, what: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw new RangeError(`${what} needs a number of milliseconds, got ${String(value)}`);
  return value;
}

/** Builds the error of a wait that ended early (a subsystem's own WaitError subclass). */
export type WaitErrorFactory = (what: string, reason: WaitEnd, waitedMs: number, cause?: unknown) => WaitError;

const plainWaitError: WaitErrorFactory = (what, reason, waitedMs, cause) => new WaitError(what, reason, waitedMs, { cause });

/**
 * One running wait: when it started, when it must end, and a signal that fires at either the
 * deadline or the caller's abort. Call {@link Wait.done} when the wait is over (it clears the timer).
 */
export class Wait {
  /** `Date.now()` when the wait started */
  readonly startedAt = Date.now();
  /** `Date.now()` value at which the wait gives up */
  readonly endsAt: number;
  /** Fires on the caller's abort or at the deadline, whichever comes first. */
  readonly signal: AbortSignal;
  private readonly callerSignal?: AbortSignal;
  private readonly clearTimer: () => void;

  /**
   * @param options the wait's deadline and signal
   * @param what names the awaited thing in errors
   * @param makeError builds the error when the wait ends early (default: a {@link WaitError})
   */
  constructor(
    options: WaitOptions,
    readonly what: string,
    private readonly makeError: WaitErrorFactory = plainWaitError,
  ) {
    this.endsAt = Deadline.from(options.deadline, what).endsAt;
    const span = Math.max(0, this.endsAt - this.startedAt);
    this.callerSignal = options.signal;
    // Node timers cannot exceed 2^31-1 ms; longer deadlines (or Infinity) rely on the checks alone.
    if (span <= MAX_TIMER_MS) {
      const timer = timeoutController(span, options.signal);
      this.signal = timer.signal;
      this.clearTimer = timer.clear;
    } else {
      const link = linkedSignal([options.signal]);
      this.signal = link.signal;
      this.clearTimer = link.clear;
    }
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** This wait's deadline, to hand to an inner wait. */
  asDeadline(): Deadline {
    return Deadline.at(this.endsAt);
  }

  /** Throws the wait's error if the caller aborted or the deadline passed. */
  check(): void {
    if (this.callerSignal?.aborted || this.remainingMs() === 0 || this.signal.aborted) throw this.error();
  }

  /** The error describing why the wait ended early. */
  error(): WaitError {
    const waited = Date.now() - this.startedAt;
    if (this.callerSignal?.aborted) return this.makeError(this.what, "aborted", waited, this.callerSignal.reason);
    return this.makeError(this.what, "timeout", waited);
  }

  /** This wait's error for an inner call that ended on this wait's deadline or signal. */
  errorFrom(inner: WaitError): WaitError {
    const waited = Date.now() - this.startedAt;
    if (this.callerSignal?.aborted) return this.makeError(this.what, "aborted", waited, this.callerSignal.reason);
    // The inner call sees this wait's timer as its caller's abort; only a client close remains "aborted".
    if (inner.reason === "timeout" || this.signal.aborted) return this.makeError(this.what, "timeout", waited);
    return this.makeError(this.what, "aborted", waited, inner.cause);
  }

  /** Whether the wait has ended early (abort or deadline). */
  expired(): boolean {
    return this.signal.aborted || this.remainingMs() === 0;
  }

  /**
   * Waits for `promise`, but rejects with this wait's error as soon as its signal fires. The
   * promise itself is not cancelled (it may be shared, or the caller cleans up after it).
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.error());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.error());
      this.signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  /** Ends the wait: clears its timer. Safe to call more than once. */
  done(): void {
    this.clearTimer();
  }
}

/**
 * Runs `work` within a deadline: rejects with the wait's error once the deadline passes or the
 * signal aborts, whichever comes first. The work is not cancelled (it gets the wait's signal to
 * stop itself); the timer is cleared when the call settles.
 * @param options deadline and signal
 * @param what names the awaited thing in errors
 * @param work the bounded work; receives the wait's signal
 * @param makeError builds the error when the wait ends early
 */
export async function withDeadline<T>(options: WaitOptions, what: string, work: (signal: AbortSignal) => Promise<T>, makeError?: WaitErrorFactory): Promise<T> {
  const wait = new Wait(options, what, makeError);
  try {
    if (wait.signal.aborted) throw wait.error();
    return await wait.race(work(wait.signal));
  } finally {
    wait.done();
  }
}
