/** Errors raised by the XAPI client. */

/** An error XAPI reported: `code` such as `VM_BAD_POWER_STATE`, its `params`, and the `method` called. */
export class XapiError extends Error {
  override readonly name = "XapiError";
  /**
   * @param code the XAPI error code (unknown codes are kept as sent)
   * @param params the error's parameters, as sent
   * @param method the method whose call failed, e.g. `VM.start`
   */
  constructor(
    readonly code: string,
    readonly params: readonly unknown[],
    readonly method: string,
  ) {
    super(`${code} [${params.map(formatParam).join(", ")}] from ${method}`);
  }
}

/** The HTTP exchange itself failed: connection refused or dropped, TLS refused, HTTP error, unreadable body. */
export class XapiTransportError extends Error {
  override readonly name = "XapiTransportError";
  /**
   * @param url the endpoint that was called (never holds credentials)
   * @param method the XAPI method being called
   * @param detail what went wrong
   * @param cause the underlying error, if any
   */
  constructor(
    readonly url: string,
    readonly method: string,
    readonly detail: string,
    cause?: unknown,
  ) {
    super(`${method} via ${url}: ${detail}`, cause === undefined ? undefined : { cause });
  }
}

/** A wait (task, event) ran past its deadline or was aborted; `what` names the step and object. */
export class XapiWaitError extends Error {
  override readonly name = "XapiWaitError";
  /**
   * @param what e.g. `task OpaqueRef:… of Async.VM.clone`
   * @param reason `"deadline"` or `"aborted"`
   * @param waitedMs how long the wait lasted
   * @param cause the abort reason, if any
   */
  constructor(
    readonly what: string,
    readonly reason: "deadline" | "aborted",
    readonly waitedMs: number,
    cause?: unknown,
  ) {
    super(
      reason === "deadline"
        ? `timed out after ${waitedMs} ms waiting for ${what}; raise the deadline or check the host`
        : `aborted after ${waitedMs} ms waiting for ${what}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

function formatParam(param: unknown): string {
  return typeof param === "string" ? param : JSON.stringify(param);
}
