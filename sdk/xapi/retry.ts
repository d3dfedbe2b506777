/**
 * Which failed calls the client sends again by itself. Only two kinds are safe to repeat:
 * - `TOO_MANY_PENDING_TASKS`: xapi refused the call before running it, so any method may be
 *   sent again, after a pause (backoff) that leaves the pool time to finish tasks;
 * - a lost exchange (dropped connection, HTTP 500, a body cut off) of a method that changes
 *   nothing (`get_*`, `event.from`): sending it again cannot duplicate anything. A lost
 *   `VM.clone` or `VIF.create` may have run, so it is never repeated: the error says so.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Wait } from "../base/deadline";
import { XapiTransportError } from "./errors";

/** How many times one call is sent again at most, whatever the reasons. */
export const MAX_CALL_RETRIES = 4;
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 2_000;

/** The XAPI code of a call refused because the pool has too many pending tasks. */
export const TOO_MANY_PENDING_TASKS = "TOO_MANY_PENDING_TASKS";

/** True when `method` only reads (its name after the class is `get_…`, or it is `event.from`). */
export function isReadOnlyMethod(method: string): boolean {
  const name = method.slice(method.lastIndexOf(".") + 1);
  return name.startsWith("get_") || method === "event.from" || method === "system.listMethods";
}

/** True when a transport failure of `method` may be retried: the exchange was lost and the method only reads. */
export function mayResendAfterTransportError(method: string, error: unknown): boolean {
  return error instanceof XapiTransportError && isReadOnlyMethod(method);
}

/** Waits the backoff before the `attempt`th resend (1-based), within the call's deadline. */
export function backoff(attempt: number, deadline: Wait): Promise<void> {
  const ms = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
  return deadline.race(sleep(Math.min(ms, deadline.remainingMs()), undefined, { ref: false }));
}

/** What a lost exchange of a method that changes something means for the caller (appended to its error). */
export function lostExchangeAdvice(method: string): string {
  return `the answer to ${method} was lost, so it may or may not have run; it was not sent again (it changes the pool) — run again: the next run finds what exists by its marker`;
}
