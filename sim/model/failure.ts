/** The error a simulated XAPI call fails with: an xapi `Failure` (named as on the wire, unlike the client's `XapiError` in sdk/xapi and the injected faults of ops/faults). */

/** An xapi `Failure`: `[CODE, ...params]` on the wire. */
export class XapiFailure extends Error {
  override readonly name = "XapiFailure";
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
export function asXapiFailure(error: unknown): XapiFailure {
  if (error instanceof XapiFailure) return error;
  return new XapiFailure("INTERNAL_ERROR", [error instanceof Error ? error.message : String(error)]);
}
