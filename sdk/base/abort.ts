/**
 * The error an aborted target operation rejects with: named "AbortError" like Node's own, with
 * the signal's reason as `cause` and the operation in the message.
 * @param context what was aborted, e.g. `local: exec "lua5.4"`
 * @param signal the signal that fired
 */
export function abortError(context: string, signal: AbortSignal): Error {
  const error = new Error(`${context}: aborted`, { cause: signal.reason });
  error.name = "AbortError";
  return error;
}
