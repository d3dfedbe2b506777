import { Deadline, type DeadlineInput } from "../base/deadline";
import { SshError } from "./errors";

/** New connections a call may try after finding its pooled connection closed. */
const CLOSED_RETRIES = 2;

/**
 * Runs `attempt`, and again (at most {@link CLOSED_RETRIES} times) while it fails with SshError
 * reason "CLOSED": the pooled connection was winding down (idle close, or dropped by the server)
 * before the call's channel opened, so nothing ran and a new connection may take the call. Retries
 * keep the caller's deadline: a number of milliseconds counts from the first attempt.
 * @param options the call's options; `deadline` is fixed to a moment before a retry
 * @param what names the call in the RangeError thrown for a bad deadline
 * @param attempt one try with the options given
 */
export async function retryOnClosed<O extends { deadline?: DeadlineInput; signal?: AbortSignal }, T>(options: O, what: string, attempt: (options: O) => Promise<T>): Promise<T> {
  const fixed = options.deadline === undefined ? options : { ...options, deadline: Deadline.from(options.deadline, what) };
  for (let retries = 0; ; retries++) {
    try {
      return await attempt(retries === 0 ? options : fixed);
    } catch (err) {
      if (retries >= CLOSED_RETRIES || !(err instanceof SshError && err.reason === "CLOSED")) throw err;
    }
  }
}
