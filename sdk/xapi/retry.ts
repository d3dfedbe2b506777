/**
 * Which failed calls the client sends again by itself (TOO_MANY_PENDING_TASKS: busy-retry.ts):
 * - a lost exchange (dropped connection, HTTP 500, a body cut off) of a method that changes
 *   nothing (`get_*`, `event.from`): sending it again cannot duplicate anything. A lost
 *   `VM.clone` or `VIF.create` may have run, so it is never repeated: the error says so.
 */
import { XapiTransportError } from "./errors";

/** How many times one call is sent again at most, whatever the reasons. */
export const MAX_CALL_RETRIES = 4;

/** True when `method` only reads (its name after the class is `get_…`, or it is `event.from`). */
export function isReadOnlyMethod(method: string): boolean {
  const name = method.slice(method.lastIndexOf(".") + 1);
  return name.startsWith("get_") || method === "event.from" || method === "system.listMethods";
}

/** True when a transport failure of `method` may be retried: the exchange was lost and the method only reads. */
export function mayResendAfterTransportError(method: string, error: unknown): boolean {
  return error instanceof XapiTransportError && isReadOnlyMethod(method);
}

/** What a lost exchange of a method that changes something means for the caller (appended to its error). */
export function lostExchangeAdvice(method: string): string {
  return `the answer to ${method} was lost, so it may or may not have run; it was not sent again (it changes the pool) — run again: the next run finds what exists by its marker`;
}
