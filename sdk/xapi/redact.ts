/** Keeps secrets (the XAPI password) out of error messages and parameters. */
import { XapiError, XapiTransportError } from "./errors";

const MASK = "***";

/**
 * Returns `error` with every occurrence of `secret` masked (message, XAPI params, transport cause).
 * @param error any thrown value
 * @param secret the text to hide; nothing is done when it is empty
 */
export function redactError(error: unknown, secret: string): unknown {
  if (!secret || !(error instanceof Error) || !mentions(error, secret)) return error;
  if (error instanceof XapiError) {
    const params = error.params.map((p) => (typeof p === "string" ? maskText(p, secret) : p));
    return new XapiError(error.code, params, maskText(error.method, secret));
  }
  if (error instanceof XapiTransportError) {
    const cause = error.cause instanceof Error ? redactError(error.cause, secret) : error.cause;
    return new XapiTransportError(error.url, error.method, maskText(error.detail, secret), cause);
  }
  // The stack was captured with the unmasked message, and util.inspect prints it.
  error.message = maskText(error.message, secret);
  if (error.stack) error.stack = maskText(error.stack, secret);
  if (error.cause instanceof Error) error.cause = redactError(error.cause, secret);
  return error;
}

/** Masks every occurrence of `secret` in `text`. */
export function maskText(text: string, secret: string): string {
  return secret ? text.split(secret).join(MASK) : text;
}

function mentions(error: Error, secret: string): boolean {
  const causeText = error.cause instanceof Error ? error.cause.message : "";
  return error.message.includes(secret) || causeText.includes(secret);
}
