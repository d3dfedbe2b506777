/** The error a simulated XAPI call fails with: an xapi error code and its string params. */

/** An xapi `Failure`: `[CODE, ...params]` on the wire. */
export class XapiError extends Error {
  override readonly name = "XapiError";
  readonly params: string[];
  /** @param code the xapi error code, e.g. `"HANDLE_INVALID"` @param params its parameters (stringified) */
  constructor(
    readonly code: string,
    params: readonly unknown[] = [],
  ) {
    const text = params.map((p) => String(p));
    super(`${code}(${text.join(", ")})`);
    this.params = text;
  }

  /** The `ErrorDescription` / JSON-RPC error list. */
  description(): string[] {
    return [this.code, ...this.params];
  }
}

/** Maps any thrown value to an xapi error; unexpected errors become INTERNAL_ERROR. */
export function asXapiError(error: unknown): XapiError {
  if (error instanceof XapiError) return error;
  return new XapiError("INTERNAL_ERROR", [error instanceof Error ? error.message : String(error)]);
}
