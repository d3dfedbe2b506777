/**
 * A signal that aborts after `ms` milliseconds (reason: a "TimeoutError" DOMException, as with
 * `AbortSignal.timeout`), or earlier when `also` aborts. Use it instead of
 * `AbortSignal.any([AbortSignal.timeout(ms), …])`: Node 20 may garbage-collect a timeout signal
 * that only `AbortSignal.any` refers to, and the combined signal then never fires. Here the timer
 * holds the controller until it fires; like `AbortSignal.timeout`, it does not keep the process alive.
 * @param ms milliseconds until the signal aborts (at most 2^31-1, Node's timer limit)
 * @param also another signal that aborts the returned one
 */
export function timeoutSignal(ms: number, also?: AbortSignal): AbortSignal {
  return timeoutController(ms, also).signal;
}

/**
 * {@link timeoutSignal} with a way to stop its timer early: call `clear()` once the wait is over,
 * so a long deadline does not leave a timer (and what it holds) alive after every call.
 */
export function timeoutController(ms: number, also?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`The operation timed out after ${ms} ms`, "TimeoutError")), ms).unref();
  return {
    signal: also ? AbortSignal.any([controller.signal, also]) : controller.signal,
    clear: () => clearTimeout(timer),
  };
}
