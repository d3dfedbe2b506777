/** Options of one {@link ConcurrencyLimiter.run} call. */
export interface LimiterRunOptions {
  /** Stop waiting for a slot after this many milliseconds (the work itself is not limited). */
  queueTimeoutMs?: number;
  /** Abort stops waiting for a slot (work already started sees the same signal through its own options). */
  signal?: AbortSignal;
  /** Names the work in errors, e.g. `execute on worker-1`. */
  context?: string;
}

interface Waiter {
  grant(): void;
}

/** Runs async work with at most `limit` pieces in flight; the rest wait in order of arrival. */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  /** @param limit maximum number of pieces of work in flight (an integer ≥ 1) */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit ${limit} is invalid: use an integer ≥ 1`);
  }

  /** How many pieces of work run now, and how many wait. */
  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Waits for a slot (within the queue deadline / until aborted), runs `work`, frees the slot. */
  async run<T>(work: () => Promise<T>, options: LimiterRunOptions = {}): Promise<T> {
    await this.acquire(options);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(options: LimiterRunOptions): Promise<void> {
    const what = options.context ?? "work";
    if (options.signal?.aborted) return Promise.reject(abortedWhileWaiting(what, options.signal));
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          this.running++;
          resolve();
        },
      };
      const leave = (error: Error) => {
        cleanup();
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(error);
      };
      const onAbort = () => leave(abortedWhileWaiting(what, options.signal!));
      const timer =
        options.queueTimeoutMs === undefined
          ? undefined
          : setTimeout(
              () => leave(new Error(`${what}: no free slot within ${options.queueTimeoutMs} ms (limit ${this.limit}, ${this.running} running); raise the limit or the deadline`)),
              options.queueTimeoutMs,
            );
      const cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.grant();
  }
}

function abortedWhileWaiting(what: string, signal: AbortSignal): Error {
  const error = new Error(`${what}: aborted while waiting for a free slot`, { cause: signal.reason });
  error.name = "AbortError";
  return error;
}
