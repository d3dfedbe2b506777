/** Waits `ms`; rejects with the signal's reason when aborted first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** "Full jitter" exponential backoff: a random wait in [0, min(cap, base·2^attempt)], at least `floor`. */
export function backoffDelay(attempt: number, baseMs = 200, capMs = 5_000, floorMs = 50): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.max(floorMs, Math.random() * ceiling);
}
