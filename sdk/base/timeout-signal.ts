import { setMaxListeners } from "node:events";

/** A signal that can be let go: {@link LinkedSignal.clear} removes what it left on its sources. */
export interface LinkedSignal {
  /** Aborts when a source aborts (with its reason) or the owner aborts it. */
  readonly signal: AbortSignal;
  /** Aborts the signal (if not yet aborted) and lets go of the sources. */
  abort(reason: unknown): void;
  /** Lets go of the sources; the signal stays as it is. Safe to call more than once. */
  clear(): void;
}

/**
 * A signal that follows `sources` (undefined ones are skipped) through one abort listener each,
 * removed on {@link LinkedSignal.clear} or once it aborts. Use it instead of `AbortSignal.any`
 * for calls that combine a long-lived signal (a client's close signal, a VM's lifetime, an
 * application's shutdown signal) with their own: on Node 20-24 every `AbortSignal.any` leaves an
 * entry in each source, and an observed or aborted one can stay there for the rest of the process
 * (~1.3 kB per call here; nodejs/node#55351, #64476).
 */
export function linkedSignal(sources: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const followed: Array<[AbortSignal, () => void]> = [];
  const clear = () => {
    for (const [source, follow] of followed.splice(0)) source.removeEventListener("abort", follow);
  };
  const abort = (reason: unknown) => {
    clear();
    if (!controller.signal.aborted) controller.abort(reason);
  };
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      abort(source.reason);
      break;
    }
    const follow = () => abort(source.reason);
    source.addEventListener("abort", follow, { once: true });
    followed.push([source, follow]);
  }
  return { signal: controller.signal, abort, clear };
}

/**
 * A signal that aborts after `ms` milliseconds (reason: a "TimeoutError" DOMException, as with
 * `AbortSignal.timeout`), or earlier when `also` aborts. Use it instead of
 * `AbortSignal.any([AbortSignal.timeout(ms), …])`: Node 20 may garbage-collect a timeout signal
 * that only `AbortSignal.any` refers to, and the combined signal then never fires. Here the timer
 * holds the controller until it fires (its listener on `also` goes then); like
 * `AbortSignal.timeout`, it does not keep the process alive.
 * @param ms milliseconds until the signal aborts (at most 2^31-1, Node's timer limit)
 * @param also another signal that aborts the returned one
 */
export function timeoutSignal(ms: number, also?: AbortSignal): AbortSignal {
  return timeoutController(ms, also).signal;
}

/**
 * {@link timeoutSignal} with a way to stop its timer early: call `clear()` once the wait is over,
 * so a long deadline does not leave a timer (and what it holds) alive after every call, nor a
 * listener on `also` (see {@link linkedSignal}): 20,000 XAPI calls slowed from 0.16 to 0.26 ms
 * each when every call left one in the client's close signal.
 */
export function timeoutController(ms: number, also?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const link = linkedSignal([also]);
  if (link.signal.aborted) return link;
  const timer = setTimeout(() => link.abort(new DOMException(`The operation timed out after ${ms} ms`, "TimeoutError")), ms).unref();
  link.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  return {
    signal: link.signal,
    clear: () => {
      clearTimeout(timer);
      link.clear();
    },
  };
}

/**
 * An AbortController for a long-lived signal that every running wait follows (one listener each,
 * removed when the wait ends, see {@link linkedSignal}): 50 calls in flight are not a leak,
 * so Node's 10-listener warning is turned off for it.
 */
export function sharedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
