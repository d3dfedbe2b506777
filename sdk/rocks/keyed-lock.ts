/** Options for waiting on a {@link KeyedLock}. */
export interface LockWaitOptions {
  /** Give up waiting after this many milliseconds. */
  timeoutMs: number;
  /** Give up waiting when aborted. */
  signal?: AbortSignal;
  /** Names the lock holder's purpose in timeout/abort errors. */
  context: string;
}

/**
 * An in-process mutex per key: callers with the same key run one after another, in arrival order.
 * A caller that gives up while waiting (deadline, abort) leaves the queue without breaking it.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of `key` has finished; rejects if the wait ends first. */
  async run<T>(key: string, options: LockWaitOptions, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    try {
      await waitWithDeadline(previous, options);
      return await work();
    } finally {
      release();
    }
  }
}

function waitWithDeadline(promise: Promise<void>, { timeoutMs, signal, context }: LockWaitOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAbort = () => fail(abortReason(signal, context));
    const timer = setTimeout(
      () => fail(new Error(`${context}: gave up after ${timeoutMs} ms waiting for another operation on the same tree`)),
      timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(() => {
      cleanup();
      resolve();
    }, fail);
  });
}

function abortReason(signal: AbortSignal | undefined, context: string): Error {
  const error = new Error(`${context}: aborted while waiting for another operation on the same tree`, { cause: signal?.reason });
  error.name = "AbortError";
  return error;
}
