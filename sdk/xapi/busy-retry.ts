/**
 * TOO_MANY_PENDING_TASKS: xapi refuses a call (or fails its task) before doing anything when more
 * than 100 requests queue on the master's forwarding lock (ocaml/xapi/message_forwarding.ml,
 * `queue_thread`). Nothing was started, so the call is safe to send again: backed off with full
 * jitter and retried until the call's own deadline, never past it.
 */
import { Deadline, type DeadlineOptions } from "../base/deadline";
import { abortableSleep, backoffDelay } from "../ssh/sleep";
import { XapiError } from "./errors";

/** The xapi codes meaning "too busy now, nothing done". */
const BUSY_CODES: ReadonlySet<string> = new Set(["TOO_MANY_PENDING_TASKS", "TOO_BUSY"]);

/** True when `error` is xapi saying it is too busy and did nothing. */
export function isBusyRefusal(error: unknown): boolean {
  return error instanceof XapiError && BUSY_CODES.has(error.xapiCode);
}

/**
 * Runs `attempt` with one fixed deadline (`options.deadline` or `defaultMs` from now), again after a
 * backoff (250 ms·2^n, at most 5 s, jittered) whenever xapi refuses it as too busy; the last refusal
 * is thrown when the next pause would pass the deadline, or a retry runs into it.
 */
export async function retryWhileBusy<T>(options: DeadlineOptions, defaultMs: number, attempt: (options: DeadlineOptions) => Promise<T>): Promise<T> {
  const deadline = Deadline.from(options.deadline ?? defaultMs, "a call xapi may refuse as busy");
  const fixed = { ...options, deadline };
  let refusal: unknown;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(fixed);
    } catch (error) {
      // A retry cut short by the deadline: the refusals are why, say so.
      if (!isBusyRefusal(error)) throw refusal !== undefined && deadline.expired() ? refusal : error;
      refusal = error;
      const pause = backoffDelay(retry, 250, 5_000);
      if (pause >= deadline.remainingMs()) throw error;
      await abortableSleep(pause, options.signal);
    }
  }
}
