/** Errors raised by the XAPI client. */
import { BioxenError, WaitError, type WaitEnd } from "../base/errors";

/** An error XAPI reported: `xapiCode` such as `VM_BAD_POWER_STATE`, its `params`, and the `method` called. */
export class XapiError extends BioxenError {
  override readonly name = "XapiError";
  readonly code = "BIOXEN_XAPI" as const;
  /**
   * @param xapiCode the XAPI error code (unknown codes are kept as sent)
   * @param params the error's parameters, as sent
   * @param method the method whose call failed, e.g. `VM.start`
   */
  constructor(
    readonly xapiCode: string,
    readonly params: readonly unknown[],
    readonly method: string,
  ) {
    super(`${xapiCode} [${params.map(formatParam).join(", ")}] from ${method}`);
  }
}

/** The HTTP exchange itself failed: connection refused or dropped, TLS refused, HTTP error, unreadable body. */
export class XapiTransportError extends BioxenError {
  override readonly name = "XapiTransportError";
  readonly code = "BIOXEN_XAPI_TRANSPORT" as const;
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

/** A XAPI wait (task, event, call) ran past its deadline or was aborted; `what` names the step and object. */
export class XapiWaitError extends WaitError {
  override readonly name = "XapiWaitError";
  /**
   * @param what e.g. `task OpaqueRef:… of Async.VM.clone`
   * @param reason `"timeout"` or `"aborted"`
   * @param waitedMs how long the wait lasted
   * @param cause the abort reason, if any
   */
  constructor(what: string, reason: WaitEnd, waitedMs: number, cause?: unknown) {
    super(what, reason, waitedMs, { cause });
  }
}

/** Builds the XAPI client's wait error (for {@link Wait}). */
export function xapiWaitError(what: string, reason: WaitEnd, waitedMs: number, cause?: unknown): XapiWaitError {
  return new XapiWaitError(what, reason, waitedMs, cause);
}

function formatParam(param: unknown): string {
  return typeof param === "string" ? param : JSON.stringify(param);
}
