/** Marks the rejection of {@link openWithin} when the wait ended before the server answered. */
export class OpenExpired extends Error {
  constructor(
    /** True when the caller's signal ended the wait, false when the own deadline did. */
    readonly bySignal: boolean,
    readonly reason: unknown,
  ) {
    super(bySignal ? "aborted while waiting for the server" : "the server did not answer in time");
  }
}

/**
 * Starts an ssh2 request that answers through a callback (opening a channel) and waits for that
 * answer at most `ms` milliseconds and only until `signal` aborts. When the wait ends first it
 * rejects with {@link OpenExpired} at once, and `late` later receives whatever the callback still
 * delivers, so the caller can close a channel nobody waits for (and free its slot). A callback
 * error, or `start` throwing, rejects with that error. With `signal` already aborted nothing is
 * sent and `late` gets `(undefined, undefined)`.
 * @param start sends the request; must call `done` once
 * @param ms the own deadline
 * @param signal the caller's signal, if any
 * @param late receives the answer that came after the wait ended
 */
export function openWithin<T>(
  start: (done: (err: Error | undefined, value: T | undefined) => void) => void,
  ms: number,
  signal: AbortSignal | undefined,
  late: (err: Error | undefined, value: T | undefined) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let waiting = true;
    const stop = (bySignal: boolean, reason: unknown) => {
      if (!waiting) return;
      waiting = false;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(new OpenExpired(bySignal, reason));
    };
    const onAbort = () => stop(true, signal!.reason);
    if (signal?.aborted) {
      reject(new OpenExpired(true, signal.reason));
      return late(undefined, undefined); // nothing was sent
    }
    const timer = setTimeout(() => stop(false, undefined), ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = (err: Error | undefined, value: T | undefined) => {
      if (!waiting) return late(err, value);
      waiting = false;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (err || value === undefined) reject(err ?? new Error("no channel and no error"));
      else resolve(value);
    };
    try {
      start(done);
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
