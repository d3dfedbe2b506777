/** An abortable delay. */

/**
 * Waits `ms` milliseconds; resolves early (never rejects) when the signal aborts.
 * @returns true when the full delay elapsed, false when aborted
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  // No timer for no delay: Node's setTimeout(0) waits 1 ms, which a zero-latency pool would add to every call.
  if (ms <= 0) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when the signal aborts (a stalled response waits on this). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
