/** A call that ran out of time or was aborted by its caller. */
export class DeadlineError extends Error {
  /**
   * @param kind "timeout" or "aborted"
   * @param message what ran out of time
   */
  constructor(
    readonly kind: "timeout" | "aborted",
    message: string,
  ) {
    super(message);
    this.name = "DeadlineError";
  }
}

/**
 * Runs `work` but rejects with a {@link DeadlineError} once `timeoutMs` passes or `signal`
 * aborts, whichever comes first. The work itself is not cancelled: the caller cleans up.
 * @param work the call to bound
 * @param timeoutMs deadline in milliseconds
 * @param signal optional caller abort
 * @param what description for the error message
 */
export async function withDeadline<T>(
  work: () => Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (signal?.aborted) throw new DeadlineError("aborted", `${what} was aborted`);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError("timeout", `${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    onAbort = () => reject(new DeadlineError("aborted", `${what} was aborted`));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
