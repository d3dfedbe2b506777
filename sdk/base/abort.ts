import { BioxenAbortError } from "./errors";

/**
 * The error an aborted operation rejects with: a {@link BioxenAbortError} (named "AbortError" like
 * Node's own) with the signal's reason as `cause` and the operation in the message.
 * @param context what was aborted, e.g. `local: exec "lua5.4"`
 * @param signal the signal that fired
 * @param detail what the operation was doing when aborted (default: nothing more)
 */
export function abortError(context: string, signal: AbortSignal | undefined, detail = ""): BioxenAbortError {
  return new BioxenAbortError(`${context}: aborted${detail}`, signal?.reason);
}
